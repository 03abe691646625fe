"""Quiz attempts: start, save answers, submit and grade, all on the server."""

import random
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..models import Attempt, AttemptGrant, AttemptQuestion, Question, Quiz
from ..models._types import utcnow
from . import audit
from .question_types import REGISTRY, AnswerError


class QuizRuleError(ValueError):
    """The consultant may not do this now; the message says why."""


class AnswersInvalid(ValueError):
    """Some answers cannot be accepted: {position: message}."""

    def __init__(self, errors: dict[int, str]):
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors.items()))
        self.errors = errors


def attempts_of(session, user_id: int, quiz_id: int) -> list[Attempt]:
    return list(session.scalars(select(Attempt).filter_by(user_id=user_id, quiz_id=quiz_id).order_by(Attempt.number)))


def extra_attempts(session, user_id: int, quiz_id: int) -> int:
    stmt = select(func.count()).select_from(AttemptGrant).filter_by(user_id=user_id, quiz_id=quiz_id)
    return session.scalar(stmt)


def grant_extra_attempt(session, user_id: int, quiz: Quiz, admin_id: int, reason: str) -> AttemptGrant:
    """One more attempt beyond the quiz's limit; the reason is required and logged."""
    reason = (reason or "").strip()
    if not reason:
        raise QuizRuleError("Укажите причину.")
    grant = AttemptGrant(user_id=user_id, quiz_id=quiz.id, granted_by_id=admin_id, reason=reason[:500])
    session.add(grant)
    audit.record(session, admin_id, "attempt.grant", user_id, quiz=quiz.slug, reason=reason[:500])
    return grant


def attempts_left(quiz: Quiz, finished: int, extra: int) -> int | None:
    """The one definition of attempts left: the quiz's limit plus granted extras, minus finished
    attempts; None when the quiz has no limit."""
    if not quiz.max_attempts:
        return None
    return max(0, quiz.max_attempts + extra - finished)


def attempts_used_up(quiz: Quiz, finished: int, extra: int, passed: bool) -> bool:
    """Not passed and no attempt left: only an extra attempt can help."""
    return not passed and attempts_left(quiz, finished, extra) == 0


def check_may_start(quiz: Quiz, attempts: list[Attempt], now, extra: int = 0) -> None:
    """Raise QuizRuleError if the quiz's attempt limit or cooldown forbids a new attempt."""
    finished = [a for a in attempts if not a.is_open]
    if any(a.passed for a in finished):
        raise QuizRuleError("Тест уже сдан.")
    if attempts_left(quiz, len(finished), extra) == 0:
        raise QuizRuleError("Все попытки использованы. Координатор может запросить для вас ещё одну попытку.")
    if finished and quiz.cooldown_min:
        ready_at = finished[-1].submitted_at + timedelta(minutes=quiz.cooldown_min)
        if now < ready_at:
            minutes = int((ready_at - now).total_seconds() // 60) + 1
            raise QuizRuleError(f"Следующая попытка будет доступна через {minutes} мин.")


def _draw(session, quiz: Quiz, rng: random.Random) -> list[Question]:
    """Questions for a new attempt: N per topic if set, then at most questions_per_attempt, then shuffled."""
    bank = list(session.scalars(select(Question).filter_by(quiz_id=quiz.id, active=True).order_by(Question.position)))
    if quiz.questions_per_topic:
        topics: dict[str, list[Question]] = {}
        for q in bank:
            topics.setdefault(q.topic, []).append(q)
        bank = sorted((q for group in topics.values()
                       for q in rng.sample(group, min(quiz.questions_per_topic, len(group)))),
                      key=lambda q: q.position)
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(bank):
        bank = sorted(rng.sample(bank, quiz.questions_per_attempt), key=lambda q: q.position)
    if quiz.shuffle:
        rng.shuffle(bank)
    return bank


def _snapshot(question: Question, rng, shuffle) -> dict:
    snap = REGISTRY[question.type].snapshot(question.data, rng, shuffle)
    return {**snap, "type": question.type, "key": question.key, "version": question.version}


def start_attempt(session, user_id: int, quiz: Quiz, now=None, rng=None) -> Attempt:
    """Return the consultant's open attempt, or start a new one (one open attempt at most)."""
    now, rng = now or utcnow(), rng or random.SystemRandom()
    finalise_if_overdue(session, user_id, quiz.id, now)
    attempts = attempts_of(session, user_id, quiz.id)
    open_ = next((a for a in attempts if a.is_open), None)
    if open_:
        return open_
    check_may_start(quiz, attempts, now, extra_attempts(session, user_id, quiz.id))
    deadline = now + timedelta(minutes=quiz.time_limit_min) if quiz.time_limit_min else None
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, number=len(attempts) + 1, started_at=now, deadline=deadline)
    attempt.questions = [AttemptQuestion(question_id=q.id, position=i + 1, snapshot=_snapshot(q, rng, quiz.shuffle))
                         for i, q in enumerate(_draw(session, quiz, rng))]
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another tab started the same attempt a moment ago: use that one.
        session.expire_all()
        return next(a for a in attempts_of(session, user_id, quiz.id) if a.is_open)
    session.commit()
    return attempt


def parse_answers(attempt: Attempt, form) -> tuple[dict, dict]:
    """Read answers from a form (a MultiDict): ({position: answer}, {position: error}).

    Fields are named q<position> (and q<position>-<id> for order and match). Blank
    questions are left out; names for questions not in the attempt are refused.
    """
    by_pos = {q.position: q for q in attempt.questions}
    answers, errors = {}, {}
    for pos in sorted(_positions(form)):
        aq = by_pos.get(pos)
        if aq is None:
            errors[pos] = "этого вопроса нет в попытке"
            continue
        prefix = f"q{pos}-"
        fields = {k[len(prefix):]: form.get(k) for k in form if k.startswith(prefix)}
        values = form.getlist(f"q{pos}")
        if not any(v.strip() for v in [*values, *fields.values()]):
            continue  # left blank: unanswered, not wrong
        try:
            answers[pos] = REGISTRY[aq.snapshot["type"]].parse_answer(aq.snapshot, values, fields)
        except AnswerError as exc:
            errors[pos] = str(exc)
    return answers, errors


def _positions(form) -> set[int]:
    found = set()
    for name in form:
        head = name.split("-", 1)[0]
        if head.startswith("q") and head[1:].isdigit():
            found.add(int(head[1:]))
        elif head.startswith("q"):
            found.add(-1)  # a tampered name: refused below as "not in the attempt"
    return found


def _require_open(session, attempt: Attempt, now) -> None:
    if not attempt.is_open:
        raise QuizRuleError("Эта попытка уже завершена.")
    if attempt.deadline and now > attempt.deadline:
        _finalise(session, attempt, now)
        raise QuizRuleError("Время попытки истекло: она завершена с сохранёнными ответами.")


def save_answers(session, attempt: Attempt, form, now=None) -> int:
    """Autosave the answers given so far; if any is invalid, nothing is saved."""
    now = now or utcnow()
    _require_open(session, attempt, now)
    answers, errors = parse_answers(attempt, form)
    if errors:
        raise AnswersInvalid(errors)
    _store(attempt, answers, now)
    session.commit()
    return len(answers)


def _store(attempt, answers, now):
    for aq in attempt.questions:
        if aq.position in answers:
            aq.answer, aq.answered_at = answers[aq.position], now


def submit_attempt(session, attempt: Attempt, form, now=None) -> Attempt:
    """Validate every answer, then grade once. Nothing is saved if any answer is bad."""
    now = now or utcnow()
    _require_open(session, attempt, now)
    answers, errors = parse_answers(attempt, form)
    missing = {q.position: "нет ответа" for q in attempt.questions if q.position not in answers and q.answer is None}
    errors = {**missing, **errors}
    if errors:
        raise AnswersInvalid(errors)
    _store(attempt, answers, now)
    _finalise(session, attempt, now)
    return attempt


def _finalise(session, attempt: Attempt, now) -> None:
    """Grade and close the attempt exactly once: the status change is a guarded UPDATE."""
    closed = session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "open")
                             .values(status="submitted", submitted_at=now).execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        session.rollback()
        raise QuizRuleError("Эта попытка уже завершена.")
    total = 0.0
    for aq in attempt.questions:
        aq.points = REGISTRY[aq.snapshot["type"]].grade(aq.snapshot, aq.answer) if aq.answer is not None else 0.0
        total += aq.points
    score = round(100 * total / max(1, len(attempt.questions)), 1)
    attempt.score, attempt.passed = score, score >= attempt.quiz.pass_mark
    attempt.status, attempt.submitted_at = "submitted", now
    session.commit()


def finalise_if_overdue(session, user_id: int, quiz_id: int, now) -> None:
    for attempt in session.scalars(select(Attempt).filter_by(user_id=user_id, quiz_id=quiz_id, status="open")
                                   .where(Attempt.deadline < now)):
        _finalise(session, attempt, now)


def close_overdue(session, now=None) -> int:
    """Grade every open attempt whose deadline has passed (for cron). Returns how many."""
    now = now or utcnow()
    overdue = list(session.scalars(select(Attempt).where(Attempt.status == "open", Attempt.deadline < now)))
    for attempt in overdue:
        _finalise(session, attempt, now)
    return len(overdue)


def attempt_counts(session, user_id: int) -> dict[int, int]:
    stmt = select(Attempt.quiz_id, func.count()).filter_by(user_id=user_id).group_by(Attempt.quiz_id)
    return dict(session.execute(stmt).all())

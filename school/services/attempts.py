"""Quiz attempts: the rules for starting one, the draw, and grading, all on the server.

Saving and submitting answers (under the attempt's lock) live in `answering`.
"""

import random
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..models import Attempt, AttemptGrant, AttemptQuestion, Question, Quiz
from ..models._types import utcnow
from . import audit, lawchanges, qualification
from .question_types import REGISTRY

CLOSED = "Эта попытка уже завершена."


class QuizRuleError(ValueError):
    """The consultant may not do this now; the message says why."""


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
    qualification.refresh(session, [user_id])
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


def next_attempt_at(quiz: Quiz, attempts: list[Attempt]):
    """When the cooldown after the last finished attempt ends (None: no cooldown or nothing finished)."""
    finished = [a for a in attempts if not a.is_open]
    if not finished or not quiz.cooldown_min:
        return None
    return finished[-1].submitted_at + timedelta(minutes=quiz.cooldown_min)


def check_may_start(quiz: Quiz, attempts: list[Attempt], now, extra: int = 0) -> None:
    """Raise QuizRuleError if the quiz's attempt limit or cooldown forbids a new attempt."""
    finished = [a for a in attempts if not a.is_open]
    if any(a.passed for a in finished):
        raise QuizRuleError("Тест уже сдан.")
    if attempts_left(quiz, len(finished), extra) == 0:
        raise QuizRuleError("Все попытки использованы. Координатор может запросить для вас ещё одну попытку.")
    ready_at = next_attempt_at(quiz, attempts)
    if ready_at and now < ready_at:
        minutes = int((ready_at - now).total_seconds() // 60) + 1
        raise QuizRuleError(f"Следующая попытка будет доступна через {minutes} мин.")


def _seen_question_ids(session, user_id: int, quiz_id: int) -> set[int]:
    stmt = (select(AttemptQuestion.question_id).join(Attempt)
            .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id))
    return set(session.scalars(stmt))


def _draw(session, quiz: Quiz, rng: random.Random, seen: set[int]) -> list[Question]:
    """Questions for a new attempt: N per topic if set, then at most questions_per_attempt,
    preferring questions this consultant has not seen; then shuffled if the quiz says so.
    A re-check draws from its module's questions updated for the change of the law instead."""
    bank = lawchanges.recheck_bank(session, quiz)
    if bank is None:
        own = select(Question).filter_by(quiz_id=quiz.id, active=True).order_by(Question.position)
        bank = list(session.scalars(own))

    def pick(group, n):
        group = list(group)
        rng.shuffle(group)
        group.sort(key=lambda q: q.id in seen)  # stable: unseen first, random within each part
        return group[:n]
    if quiz.questions_per_topic:
        topics: dict[str, list[Question]] = {}
        for q in bank:
            topics.setdefault(q.topic, []).append(q)
        bank = [q for group in topics.values() for q in pick(group, quiz.questions_per_topic)]
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(bank):
        bank = pick(bank, quiz.questions_per_attempt)
    bank.sort(key=lambda q: q.position)
    if quiz.shuffle:
        rng.shuffle(bank)
    return bank


def _snapshot(question: Question, rng) -> dict:
    snap = REGISTRY[question.type].snapshot(question.data, rng)
    return {**snap, "type": question.type, "topic": question.topic, "key": question.key, "version": question.version}


def start_attempt(session, user_id: int, quiz: Quiz, now=None, rng=None) -> Attempt:
    """Return the consultant's open attempt, or start a new one (one open attempt at most)."""
    now, rng = now or utcnow(), rng or random.SystemRandom()
    finalise_if_overdue(session, user_id, quiz.id, now)
    attempts = attempts_of(session, user_id, quiz.id)
    open_ = next((a for a in attempts if a.is_open), None)
    if open_:
        return open_
    if not lawchanges.may_take(session, user_id, quiz):
        raise QuizRuleError("Эта проверка вам не назначена.")
    check_may_start(quiz, attempts, now, extra_attempts(session, user_id, quiz.id))
    deadline = now + timedelta(minutes=quiz.time_limit_min) if quiz.time_limit_min else None
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, number=len(attempts) + 1, started_at=now, deadline=deadline)
    drawn = _draw(session, quiz, rng, _seen_question_ids(session, user_id, quiz.id))
    attempt.questions = [AttemptQuestion(question_id=q.id, position=i + 1, snapshot=_snapshot(q, rng))
                         for i, q in enumerate(drawn)]
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another tab started the same attempt a moment ago: use that one.
        session.expire_all()
        return next(a for a in attempts_of(session, user_id, quiz.id) if a.is_open)
    qualification.refresh(session, [user_id])  # an attempt started: in progress
    session.commit()
    return attempt


def finalise(session, attempt: Attempt, now, timed_out: bool = False) -> None:
    """Grade and close the attempt exactly once from its stored answers; unanswered scores 0.

    The status change is a guarded UPDATE that also takes the attempt's lock; the answers are
    read after it, so a save that committed first is graded and one that comes later is refused.
    Commits: the lock must not outlive the grading.
    """
    session.flush()
    closed = session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "open")
                             .values(status="submitted", submitted_at=now, timed_out=timed_out)
                             .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        session.rollback()
        raise QuizRuleError(CLOSED)
    session.expire_all()
    total = 0.0
    for aq in attempt.questions:
        aq.points = REGISTRY[aq.snapshot["type"]].grade(aq.snapshot, aq.answer) if aq.answer is not None else 0.0
        total += aq.points
    # A single-choice penalty (Moodle's ~%-50%) may take points away; the attempt never goes below 0.
    score = max(0.0, round(100 * total / max(1, len(attempt.questions)), 1))
    attempt.score, attempt.passed = score, score >= attempt.quiz.pass_mark
    qualification.refresh(session, [attempt.user_id])
    session.commit()


def _finalise_overdue(session, stmt, now) -> int:
    closed = 0
    for attempt in session.scalars(stmt.where(Attempt.status == "open", Attempt.deadline < now)).all():
        try:
            finalise(session, attempt, now, timed_out=True)
            closed += 1
        except QuizRuleError:
            pass  # closed meanwhile by its own submit or another worker
    return closed


def finalise_if_overdue(session, user_id: int, quiz_id: int, now) -> None:
    _finalise_overdue(session, select(Attempt).filter_by(user_id=user_id, quiz_id=quiz_id), now)


def close_overdue(session, now=None) -> int:
    """Grade every open attempt whose deadline has passed (for cron). Returns how many."""
    return _finalise_overdue(session, select(Attempt), now or utcnow())


def attempt_counts(session, user_id: int) -> dict[int, int]:
    stmt = select(Attempt.quiz_id, func.count()).filter_by(user_id=user_id).group_by(Attempt.quiz_id)
    return dict(session.execute(stmt).all())

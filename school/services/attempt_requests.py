"""Extra attempts once a consultant has used them all up: the coordinator asks, the center decides.

A request is pending, granted or refused; at most one is pending per consultant and quiz (a unique
partial index). A grant is an AttemptGrant, made by grant_extra_attempt. Every step is audited in
the same transaction. Services flush; the view commits.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..models import Attempt, AttemptGrant, AttemptRequest, Quiz, User
from ..models._types import utcnow
from . import audit
from .attempts import QuizRuleError, attempts_left, attempts_used_up, grant_extra_attempt

STATE_LABELS = {"none": "", "pending": "запрос отправлен", "granted": "разрешена ещё одна попытка",
                "refused": "запрос отклонён"}
NOT_USED_UP = "Попытки по этому тесту ещё не исчерпаны: дополнительная не нужна."
ALREADY_PENDING = "Запрос по этому тесту уже отправлен и ждёт решения центра."


class AlreadyDecided(QuizRuleError):
    """The request was granted or refused already (perhaps by another admin a moment ago)."""


@dataclass
class Standing:
    """One consultant and one quiz: attempts used, granted and left, and the latest request."""

    quiz: Quiz
    started: int = 0
    finished: int = 0
    passed: bool = False
    extra: int = 0
    last_grant_at: datetime | None = None
    request: AttemptRequest | None = None

    @property
    def left(self) -> int | None:
        return attempts_left(self.quiz, self.finished, self.extra)

    @property
    def used_up(self) -> bool:
        return attempts_used_up(self.quiz, self.finished, self.extra, self.passed)

    @property
    def state(self) -> str:
        """none, pending, granted (a granted attempt not yet started) or refused (and still used up)."""
        status = self.request.status if self.request else None
        if status == "pending":
            return "pending"
        # Granted and unused: without the grants nothing would be left, with them an attempt can start.
        if (self.extra and not self.passed and attempts_left(self.quiz, self.started, 0) == 0
                and attempts_left(self.quiz, self.started, self.extra)):
            return "granted"
        if status == "refused" and self.used_up and (
                self.last_grant_at is None or self.request.decided_at > self.last_grant_at):
            return "refused"
        return "none"

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def _grants(session, user_ids) -> dict[tuple[int, int], tuple[int, datetime]]:
    stmt = (select(AttemptGrant.user_id, AttemptGrant.quiz_id, func.count(), func.max(AttemptGrant.granted_at))
            .where(AttemptGrant.user_id.in_(user_ids)).group_by(AttemptGrant.user_id, AttemptGrant.quiz_id))
    return {(u, q): (n, at) for u, q, n, at in session.execute(stmt)}


def standings(session, user_id: int, quizzes: list[Quiz]) -> dict[int, Standing]:
    """{quiz_id: Standing} for one consultant, in three queries whatever the number of quizzes."""
    submitted = Attempt.status == "submitted"
    stmt = (select(Attempt.quiz_id, func.count(), func.count(case((submitted, 1))),
                   func.count(case((Attempt.passed.is_(True), 1))))
            .where(Attempt.user_id == user_id).group_by(Attempt.quiz_id))
    used = {q: (started, finished, passed > 0) for q, started, finished, passed in session.execute(stmt)}
    grants = _grants(session, [user_id])
    latest = {}
    for req in session.scalars(select(AttemptRequest).filter_by(user_id=user_id)
                               .order_by(AttemptRequest.requested_at, AttemptRequest.id)):
        latest[req.quiz_id] = req
    result = {}
    for quiz in quizzes:
        extra, last_grant = grants.get((user_id, quiz.id), (0, None))
        result[quiz.id] = Standing(quiz, *used.get(quiz.id, (0, 0, False)), extra, last_grant, latest.get(quiz.id))
    return result


def standing(session, user_id: int, quiz: Quiz) -> Standing:
    return standings(session, user_id, [quiz])[quiz.id]


@dataclass
class TeamExtras:
    """Granted extra attempts and pending requests of many consultants, for the readiness list."""

    extra: dict[tuple[int, int], int]
    pending: set[tuple[int, int]]


def team_extras(session, user_ids) -> TeamExtras:
    """Extras and pending requests per (user_id, quiz_id), in two queries for any number of users."""
    extra = {key: n for key, (n, _) in _grants(session, user_ids).items()}
    stmt = select(AttemptRequest.user_id, AttemptRequest.quiz_id).where(
        AttemptRequest.user_id.in_(user_ids), AttemptRequest.status == "pending")
    return TeamExtras(extra, {(u, q) for u, q in session.execute(stmt)})


def request_extra(session, consultant: User, quiz: Quiz, requested_by: User, reason: str) -> AttemptRequest:
    """Ask the center for one more attempt: only when attempts are used up, one pending at a time."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise QuizRuleError("Укажите причину.")
    now = standing(session, consultant.id, quiz)
    if now.state == "pending":
        raise QuizRuleError(ALREADY_PENDING)
    if not now.used_up:
        raise QuizRuleError(NOT_USED_UP)
    entry = audit.record(session, requested_by.id, "attempt.request", consultant.id, quiz=quiz.slug, reason=reason)
    # Written first so the database transaction is open before the savepoint: pysqlite begins one
    # only before a write, and a savepoint outside a transaction would commit on its own release.
    session.flush()
    req = AttemptRequest(user_id=consultant.id, quiz_id=quiz.id, requested_by_id=requested_by.id, reason=reason)
    try:
        with session.begin_nested():
            session.add(req)
    except IntegrityError:
        # Another coordinator's request for the same quiz committed a moment ago.
        session.delete(entry)
        session.flush()
        raise QuizRuleError(ALREADY_PENDING) from None
    return req


def _close_pending(session, where, status: str, actor: User, note: str) -> int:
    """Decide pending requests matching `where`; the status guard makes a second decision a no-op."""
    stmt = (update(AttemptRequest).where(*where, AttemptRequest.status == "pending")
            .values(status=status, decided_by_id=actor.id, decided_at=utcnow(), decision_note=note[:500]))
    return session.execute(stmt).rowcount


def decide(session, request: AttemptRequest, admin: User, grant: bool, note: str = "") -> None:
    """Grant (adds one AttemptGrant) or refuse (a note is required) a pending request."""
    note = (note or "").strip()[:500]
    if request.status != "pending":
        raise AlreadyDecided("Этот запрос уже рассмотрен.")
    if not grant and not note:
        raise QuizRuleError("Укажите причину отказа.")
    if _close_pending(session, [AttemptRequest.id == request.id], "granted" if grant else "refused", admin, note) != 1:
        raise AlreadyDecided("Этот запрос уже рассмотрен.")
    if grant:
        grant_extra_attempt(session, request.user_id, request.quiz, admin.id, request.reason)
    else:
        audit.record(session, admin.id, "attempt.refuse", request.user_id, quiz=request.quiz.slug, note=note)
    session.flush()


def grant_directly(session, consultant: User, quiz: Quiz, actor: User, reason: str,
                   only_when_used_up: bool = False) -> None:
    """An extra attempt without a request (an admin, or a coordinator when the config allows it).

    A pending request for the same quiz is answered by it, so it cannot be granted a second time.
    """
    if only_when_used_up and not standing(session, consultant.id, quiz).used_up:
        raise QuizRuleError(NOT_USED_UP)
    grant_extra_attempt(session, consultant.id, quiz, actor.id, reason)
    _close_pending(session, [AttemptRequest.user_id == consultant.id, AttemptRequest.quiz_id == quiz.id],
                   "granted", actor, (reason or "").strip())
    session.flush()


def pending(session) -> list[AttemptRequest]:
    """Pending requests, oldest first, with consultant, team, quiz and requester: four queries in all."""
    stmt = (select(AttemptRequest).where(AttemptRequest.status == "pending")
            .options(selectinload(AttemptRequest.consultant).selectinload(User.team),
                     selectinload(AttemptRequest.requested_by), selectinload(AttemptRequest.quiz))
            .order_by(AttemptRequest.requested_at, AttemptRequest.id))
    return list(session.scalars(stmt))


def pending_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AttemptRequest).where(AttemptRequest.status == "pending"))

"""Qualification: the one definition, and the stored fact derived from it.

A consultant is **qualified** when every required quiz has a passed attempt; the date is when the
last of them was first passed. **Started** means a section was opened or an attempt started.
Status: qualified, else in_progress if started, else not_started. It is computed by the server
from attempts and reading (never typed in), stored in `qualifications`, and refreshed in the same
transaction as every event that changes it: grading, starting (a first section or attempt), an
extra attempt, `content load` changing which quizzes are required. `rebuild` recomputes it all.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, delete, func, select

from ..models import Attempt, Qualification, Quiz, SectionProgress, User
from ..models._types import utcnow


@dataclass
class QuizResult:
    best_score: float | None
    passed_at: datetime | None
    attempts: int


def required_quiz_ids(session) -> list[int]:
    """The one definition of «required quizzes»."""
    return list(session.scalars(select(Quiz.id).where(Quiz.required).order_by(Quiz.id)))


def quiz_results(session, user_ids) -> dict[tuple[int, int], QuizResult]:
    """{(user_id, quiz_id): QuizResult} for a select (or list) of user ids, in one query."""
    passed_at = func.min(case((Attempt.passed.is_(True), Attempt.submitted_at)))
    stmt = (select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.score), passed_at, func.count())
            .where(Attempt.user_id.in_(user_ids), Attempt.status == "submitted")
            .group_by(Attempt.user_id, Attempt.quiz_id))
    return {(u, q): QuizResult(best, at, n) for u, q, best, at, n in session.execute(stmt)}


def qualified_at(results: dict, user_id: int, required: list[int]) -> datetime | None:
    """When the consultant became qualified, or None if a required quiz is not passed (or none is required)."""
    if not required:
        return None
    dates = [results.get((user_id, q)) for q in required]
    if any(r is None or r.passed_at is None for r in dates):
        return None
    return max(r.passed_at for r in dates)


def _started(session, user_ids) -> dict[int, datetime]:
    """{user_id: first section opened or attempt started}."""
    reads = select(SectionProgress.user_id, func.min(SectionProgress.first_opened_at)).where(
        SectionProgress.user_id.in_(user_ids)).group_by(SectionProgress.user_id)
    tries = select(Attempt.user_id, func.min(Attempt.started_at)).where(
        Attempt.user_id.in_(user_ids)).group_by(Attempt.user_id)
    first: dict[int, datetime] = {}
    for user_id, at in [*session.execute(reads), *session.execute(tries)]:
        first[user_id] = min(at, first.get(user_id, at))
    return first


def status_of(qualified: datetime | None, started: datetime | None) -> str:
    return "qualified" if qualified else "in_progress" if started else "not_started"


def compute(session, user_ids: list[int]) -> dict[int, tuple[str, datetime | None, datetime | None]]:
    """{user_id: (status, qualified_at, started_at)} from attempts and reading, in three queries."""
    results, required = quiz_results(session, user_ids), required_quiz_ids(session)
    started = _started(session, user_ids)
    out = {}
    for user_id in user_ids:
        at = qualified_at(results, user_id, required)
        out[user_id] = (status_of(at, started.get(user_id)), at, started.get(user_id))
    return out


def refresh(session, user_ids: list[int]) -> None:
    """Recompute and store the qualification of these consultants (flushes; the caller commits)."""
    session.flush()
    now = utcnow()
    computed = compute(session, list(user_ids))
    rows = {q.user_id: q for q in session.scalars(select(Qualification).where(Qualification.user_id.in_(computed)))}
    for user_id, (status, at, started) in computed.items():
        row = rows.get(user_id) or Qualification(user_id=user_id)
        if (row.status, row.qualified_at, row.started_at) != (status, at, started) or user_id not in rows:
            row.status, row.qualified_at, row.started_at, row.updated_at = status, at, started, now
            session.add(row)
    session.flush()


def _consultant_ids(session) -> list[int]:
    return list(session.scalars(select(User.id).where(User.role == "consultant")))


def refresh_all(session) -> int:
    """Every consultant at once (after `content load` changed which quizzes are required)."""
    ids = _consultant_ids(session)
    for start in range(0, len(ids), 1000):
        refresh(session, ids[start:start + 1000])
    return len(ids)


def rebuild(session) -> int:
    """Throw the stored facts away and derive them again from attempts and reading."""
    session.execute(delete(Qualification))
    return refresh_all(session)


def stored(session, user_ids) -> dict[int, Qualification]:
    """{user_id: Qualification} for a select (or list) of user ids, in one query; missing means not started."""
    return {q.user_id: q for q in session.scalars(select(Qualification).where(Qualification.user_id.in_(user_ids)))}


def of(session, user_id: int) -> Qualification:
    """One consultant's stored qualification (a not-started one if nothing is stored yet)."""
    return session.get(Qualification, user_id) or Qualification(user_id=user_id, status="not_started")


def qualification_of(session, user_id: int) -> datetime | None:
    """When the consultant became qualified (None if not)."""
    return of(session, user_id).qualified_at

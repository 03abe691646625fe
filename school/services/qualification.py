"""Qualification: the one definition, and the stored fact derived from it.

A consultant is **qualified** when every required quiz has a passed attempt; the date is when the
last of them was first passed. **Started** means a section was opened or an attempt started.
A consultant is **affected** by a change of the law for a module when they first passed its quiz before
the change took effect; when the center requires a re-check for that change, an affected consultant
must pass it too. Status: qualified; needs_update if qualified but a required re-check is not passed
(«нужно обновить»); else in_progress if started, else not_started. It is computed by the server
from attempts and reading (never typed in), stored in `qualifications`, and refreshed in the same
transaction as every event that changes it: grading, starting (a first section or attempt), an
extra attempt, `content load` changing which quizzes are required, a re-check required.
`rebuild` recomputes it all.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select

from ..models import Attempt, LawChange, Qualification, Quiz, Recheck, SectionProgress, User
from ..models._types import utcnow
from .calendar import start_of_day


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


@dataclass
class RecheckRule:
    quiz_id: int  # the re-check's own quiz
    source_quiz_id: int  # the module's quiz: passed before `effective`, the consultant is affected
    effective: date
    title: str


def affected_by(result: QuizResult | None, effective: date) -> bool:
    """The one definition of «affected by a change of the law» for a module: its quiz was first passed
    before the day the change took effect."""
    return bool(result and result.passed_at and result.passed_at < start_of_day(effective))


def recheck_rules(session) -> list[RecheckRule]:
    """Every re-check the center has required, in one query."""
    stmt = (select(Recheck.quiz_id, Recheck.source_quiz_id, LawChange.effective_date, Quiz.title)
            .join(LawChange, LawChange.id == Recheck.law_change_id).join(Quiz, Quiz.id == Recheck.quiz_id)
            .where(LawChange.recheck_required_at.is_not(None)).order_by(Recheck.id))
    return [RecheckRule(q, src, effective, title) for q, src, effective, title in session.execute(stmt)]


def pending(results: dict, rules: list[RecheckRule], user_id: int) -> list[RecheckRule]:
    """The required re-checks this consultant is affected by and has not passed."""
    return [r for r in rules if affected_by(results.get((user_id, r.source_quiz_id)), r.effective)
            and not getattr(results.get((user_id, r.quiz_id)), "passed_at", None)]


def pending_rechecks(session, user_ids) -> dict[int, list[RecheckRule]]:
    """{user_id: re-checks still to pass} for a select (or list) of user ids, in two queries."""
    rules = recheck_rules(session)
    if not rules:
        return {}
    results = quiz_results(session, user_ids)
    users = {u for u, _ in results}
    return {u: left for u in users if (left := pending(results, rules, u))}


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


def status_of(qualified: datetime | None, started: datetime | None, rechecks_left: bool = False) -> str:
    if qualified:
        return "needs_update" if rechecks_left else "qualified"
    return "in_progress" if started else "not_started"


def compute(session, user_ids: list[int]) -> dict[int, tuple[str, datetime | None, datetime | None]]:
    """{user_id: (status, qualified_at, started_at)} from attempts, reading and required re-checks,
    in five queries. A consultant who needs an update keeps the date they first qualified."""
    results, required = quiz_results(session, user_ids), required_quiz_ids(session)
    started, rules = _started(session, user_ids), recheck_rules(session)
    out = {}
    for user_id in user_ids:
        at = qualified_at(results, user_id, required)
        status = status_of(at, started.get(user_id), bool(pending(results, rules, user_id)))
        out[user_id] = (status, at, started.get(user_id))
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
    """When the consultant became qualified (None if not, or if a re-check is still to be passed)."""
    row = of(session, user_id)
    return row.qualified_at if row.status == "qualified" else None

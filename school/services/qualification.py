"""Qualification is derived from attempts: every required quiz has a passed attempt.

Its date is when the last required quiz was first passed. Nothing here is stored.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..models import Attempt, Quiz


@dataclass
class QuizResult:
    best_score: float | None
    passed_at: datetime | None
    attempts: int


def required_quiz_ids(session) -> list[int]:
    return list(session.scalars(select(Quiz.id).where(Quiz.required)))


def quiz_results(session, user_ids) -> dict[tuple[int, int], QuizResult]:
    """{(user_id, quiz_id): QuizResult} for a select (or list) of user ids, in one query."""
    passed_at = func.min(case((Attempt.passed.is_(True), Attempt.submitted_at)))
    stmt = (select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.score), passed_at, func.count())
            .where(Attempt.user_id.in_(user_ids), Attempt.status == "submitted")
            .group_by(Attempt.user_id, Attempt.quiz_id))
    return {(u, q): QuizResult(best, at, n) for u, q, best, at, n in session.execute(stmt)}


def qualified_at(results: dict, user_id: int, required: list[int]) -> datetime | None:
    """The date the consultant became qualified, or None if a required quiz is not passed."""
    if not required:
        return None
    dates = [results.get((user_id, q)) for q in required]
    if any(r is None or r.passed_at is None for r in dates):
        return None
    return max(r.passed_at for r in dates)


def qualification_of(session, user_id: int) -> datetime | None:
    return qualified_at(quiz_results(session, [user_id]), user_id, required_quiz_ids(session))

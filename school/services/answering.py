"""Saving and submitting answers of an open attempt.

Every write takes the attempt's lock first (a guarded UPDATE: a row lock on PostgreSQL, the
write lock on SQLite) and only then reads its state, so a save and a submit never interleave:
a save that commits first is graded, one that comes after the submit is refused.
Only the newest page load (its tab token) may write: an older tab cannot revert a newer one.
"""

import secrets
from dataclasses import dataclass, field

from sqlalchemy import update

from ..models import Attempt
from ..models._types import utcnow
from .attempts import CLOSED, QuizRuleError, finalise
from .question_types import parse_posted

TIME_UP = "Время вышло: засчитаны сохранённые ответы."


class TabConflict(QuizRuleError):
    """The attempt was opened again in another tab; this one may no longer write."""

    def __init__(self):
        super().__init__("Тест открыт в другой вкладке: продолжайте там. Эта вкладка больше не сохраняет ответы.")


@dataclass
class Saved:
    """What one save did: positions stored (or cleared), and errors by position."""

    saved: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    answered: int = 0
    total: int = 0


@dataclass
class Unconfirmed(Exception):
    """A submit that leaves questions unanswered waits for the consultant to confirm."""

    unanswered: list[int]
    errors: dict[int, str]


def open_tab(session, attempt: Attempt) -> str:
    """A new tab token for a page load of an open attempt; older tabs lose the right to write."""
    token = secrets.token_hex(16)
    session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "open")
                    .values(tab_token=token).execution_options(synchronize_session=False))
    return token


def _lock(session, attempt: Attempt, tab: str | None, now) -> None:
    """Take the attempt's lock, then check it is open, this tab's and in time (else raise)."""
    locked = session.execute(update(Attempt).where(Attempt.id == attempt.id, Attempt.status == "open")
                             .values(status="open").execution_options(synchronize_session=False)).rowcount
    session.expire_all()  # read everything again under the lock
    if locked != 1:
        session.rollback()
        raise QuizRuleError(CLOSED)
    if attempt.tab_token is not None and tab != attempt.tab_token:
        session.rollback()
        raise TabConflict()
    if attempt.deadline and now > attempt.deadline:
        finalise(session, attempt, now, timed_out=True)
        raise QuizRuleError(TIME_UP)


def _questions_in(attempt: Attempt, form) -> list:
    """The questions a form speaks for: those it lists in `_q`, else those it has fields for."""
    listed = set(form.getlist("_q"))
    if listed:
        return [aq for aq in attempt.questions if str(aq.position) in listed]
    heads = {name.split("-", 1)[0] for name in form}
    return [aq for aq in attempt.questions if f"q{aq.position}" in heads]


def _store(attempt: Attempt, form, now) -> Saved:
    """Store each valid answer on its own; a blank question clears its answer; errors are kept apart."""
    result = Saved(total=len(attempt.questions))
    for aq in _questions_in(attempt, form):
        answer, error = parse_posted(aq.position, aq.snapshot, form)
        if error:
            result.errors[aq.position] = error
            continue
        aq.answer, aq.answered_at = answer, now if answer is not None else None
        result.saved.append(aq.position)
    result.answered = sum(aq.answer is not None for aq in attempt.questions)
    return result


def save_answers(session, attempt: Attempt, form, tab: str | None = None, now=None) -> Saved:
    """Autosave: every valid answer in the form is stored even if another is invalid. Commits."""
    now = now or utcnow()
    _lock(session, attempt, tab, now)
    result = _store(attempt, form, now)
    session.commit()
    return result


def submit_attempt(session, attempt: Attempt, form, tab: str | None = None, now=None,
                   confirmed: bool = True) -> Attempt:
    """Store the posted answers, then grade; unanswered questions score 0.

    Unless `confirmed`, a submit that leaves questions unanswered or invalid stores what is
    valid and raises Unconfirmed, so the page can list them before the consultant confirms.
    """
    now = now or utcnow()
    _lock(session, attempt, tab, now)
    result = _store(attempt, form, now)
    unanswered = [aq.position for aq in attempt.questions if aq.answer is None]
    if not confirmed and (unanswered or result.errors):
        session.commit()
        raise Unconfirmed(unanswered, result.errors)
    finalise(session, attempt, now)
    return attempt

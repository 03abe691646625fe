"""Coordinators confirm qualified consultants as ready, or withdraw it with a reason."""

from sqlalchemy import or_, select, update

from ..models import Signoff, User
from ..models._types import utcnow
from . import audit
from .qualification import qualification_of
from .upsert import insert_missing


class SignoffError(ValueError):
    """The sign-off cannot be changed this way; the message says why."""


def _row(session, consultant_id: int) -> Signoff | None:
    return session.scalar(select(Signoff).filter_by(consultant_id=consultant_id))


def _change(session, consultant_id: int, when, **values) -> bool:
    """A guarded UPDATE of the consultant's row: it takes the row lock first, so of two clicks at once
    exactly one changes the row and the other finds it changed."""
    result = session.execute(update(Signoff).where(Signoff.consultant_id == consultant_id, when).values(**values))
    return result.rowcount == 1


def confirm(session, consultant: User, coordinator: User, now=None) -> Signoff:
    """Confirm readiness; only a qualified consultant can be confirmed, and only once."""
    if qualification_of(session, consultant.id) is None:
        raise SignoffError("Подтвердить можно только квалифицированного консультанта.")
    insert_missing(session, Signoff, ("consultant_id",), consultant_id=consultant.id, withdraw_reason="")
    inactive = or_(Signoff.confirmed_at.is_(None), Signoff.withdrawn_at.is_not(None))
    if not _change(session, consultant.id, inactive, confirmed_by_id=coordinator.id, confirmed_at=now or utcnow(),
                   withdrawn_by_id=None, withdrawn_at=None, withdraw_reason=""):
        raise SignoffError("Готовность уже подтверждена.")
    audit.record(session, coordinator.id, "signoff.confirm", consultant.id)
    return _row(session, consultant.id)


def withdraw(session, consultant: User, coordinator: User, reason: str, now=None) -> Signoff:
    reason = (reason or "").strip()[:500]
    if not reason:
        raise SignoffError("Укажите причину отзыва.")
    active = Signoff.confirmed_at.is_not(None) & Signoff.withdrawn_at.is_(None)
    if not _change(session, consultant.id, active, withdrawn_by_id=coordinator.id, withdrawn_at=now or utcnow(),
                   withdraw_reason=reason):
        raise SignoffError("Готовность не была подтверждена.")
    audit.record(session, coordinator.id, "signoff.withdraw", consultant.id, reason=reason)
    return _row(session, consultant.id)

"""Coordinators confirm qualified consultants as ready, or withdraw it with a reason."""

from sqlalchemy import select

from ..models import Signoff, User
from ..models._types import utcnow
from . import audit
from .qualification import qualification_of


class SignoffError(ValueError):
    """The sign-off cannot be changed this way; the message says why."""


def _row(session, consultant_id: int) -> Signoff | None:
    return session.scalar(select(Signoff).filter_by(consultant_id=consultant_id))


def confirm(session, consultant: User, coordinator: User, now=None) -> Signoff:
    """Confirm readiness; only a qualified consultant can be confirmed."""
    if qualification_of(session, consultant.id) is None:
        raise SignoffError("Подтвердить можно только квалифицированного консультанта.")
    now = now or utcnow()
    row = _row(session, consultant.id) or Signoff(consultant_id=consultant.id)
    if row.active:
        raise SignoffError("Готовность уже подтверждена.")
    row.confirmed_by_id, row.confirmed_at = coordinator.id, now
    row.withdrawn_by_id, row.withdrawn_at, row.withdraw_reason = None, None, ""
    session.add(row)
    audit.record(session, coordinator.id, "signoff.confirm", consultant.id)
    return row


def withdraw(session, consultant: User, coordinator: User, reason: str, now=None) -> Signoff:
    reason = (reason or "").strip()
    if not reason:
        raise SignoffError("Укажите причину отзыва.")
    row = _row(session, consultant.id)
    if row is None or not row.active:
        raise SignoffError("Готовность не была подтверждена.")
    row.withdrawn_by_id, row.withdrawn_at, row.withdraw_reason = coordinator.id, now or utcnow(), reason[:500]
    audit.record(session, coordinator.id, "signoff.withdraw", consultant.id, reason=reason[:500])
    return row

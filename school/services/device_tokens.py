"""Device report tokens: what lets a phone send a report written at 14:00 at 21:00, after its session and
CSRF token have expired. Issued once the consultant has checked in; it only creates reports, only for that
consultant's stations of that day, until the end of the count; revocable. The phone holds the token, the
database only its SHA-256."""

import hashlib
import secrets

from sqlalchemy import select, update

from ..models import DeviceToken, User, VotingDay
from ..models._types import utcnow
from . import audit, checkins, voting_day


class TokenError(ValueError):
    """No token can be issued; the message is for the consultant."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session, user: User, day: VotingDay) -> tuple[str, DeviceToken, list]:
    """A new token for this phone: (token, row, the stations it may report for)."""
    own = checkins.own_checkins(session, day, user.id)
    if not any(c.arrived_at for c in own):
        raise TokenError("Сначала отметьте прибытие на участок.")
    stations = [c.station for c in own]
    token = secrets.token_urlsafe(32)
    row = DeviceToken(user_id=user.id, voting_day_id=day.id, token_hash=_hash(token),
                      expires_at=voting_day.count_ends(day, stations))
    session.add(row)
    session.flush()
    return token, row, stations


def verify(session, token: str) -> DeviceToken | None:
    """The valid token row (not revoked or expired, its user active), or None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(DeviceToken).filter_by(token_hash=_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row


def station_ids(session, row: DeviceToken) -> set[int]:
    day = session.get(VotingDay, row.voting_day_id)
    return {c.station_id for c in checkins.own_checkins(session, day, row.user_id)}


def active_count(session, user_id: int) -> int:
    return len(session.scalars(select(DeviceToken.id).where(
        DeviceToken.user_id == user_id, DeviceToken.revoked_at.is_(None), DeviceToken.expires_at > utcnow())).all())


def revoke_all(session, user_id: int, actor_id: int) -> int:
    """Revoke every live token of a consultant (a lost phone); returns how many."""
    result = session.execute(update(DeviceToken).where(
        DeviceToken.user_id == user_id, DeviceToken.revoked_at.is_(None)).values(
        revoked_at=utcnow(), revoked_by_id=actor_id))
    audit.record(session, actor_id, "device_token.revoke", target_user_id=user_id, count=result.rowcount)
    return result.rowcount

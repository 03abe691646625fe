"""One-time, expiring links to set a password (new accounts) or reset it (forgotten passwords).

Only the SHA-256 of a token is stored. A link works once; making a new one voids older unused links.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..models import Invitation, User
from ..models._types import utcnow
from ..models.org import NO_PASSWORD
from . import audit
from .accounts import AccountError, set_password

LIFETIME = {"invite": timedelta(days=7), "reset": timedelta(hours=24)}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(session, user: User, purpose: str, created_by_id: int | None, now=None) -> str:
    """Make a link token for the user; returns the raw token (shown once, never stored)."""
    now = now or utcnow()
    session.execute(update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
                    .values(expires_at=now))
    token = secrets.token_urlsafe(32)
    session.add(Invitation(user_id=user.id, token_hash=_hash(token), purpose=purpose, created_at=now,
                           expires_at=now + LIFETIME[purpose], created_by_id=created_by_id))
    audit.record(session, created_by_id, "invitation.create", user.id, purpose=purpose)
    return token


def find_valid(session, token: str, now=None) -> Invitation | None:
    now = now or utcnow()
    inv = session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token or "")))
    if inv is None or inv.used_at is not None or inv.expires_at <= now or not inv.user.active:
        return None
    return inv


def redeem(session, token: str, password: str, now=None) -> User:
    """Set the password through a valid link and use the link up, in one transaction."""
    now = now or utcnow()
    inv = find_valid(session, token, now)
    if inv is None:
        raise AccountError("Ссылка недействительна или устарела. Попросите новую у координатора или в центре.")
    set_password(inv.user, password)
    used = session.execute(update(Invitation).where(Invitation.id == inv.id, Invitation.used_at.is_(None))
                           .values(used_at=now))
    if used.rowcount != 1:
        session.rollback()
        raise AccountError("Ссылка уже использована.")
    return inv.user


def pending(session) -> list[Invitation]:
    """Invitations not accepted yet (newest first), with their users loaded."""
    stmt = (select(Invitation).where(Invitation.purpose == "invite", Invitation.used_at.is_(None))
            .options(selectinload(Invitation.user)).order_by(Invitation.created_at.desc()))
    return list(session.scalars(stmt))


def without_password(session, limit: int = 5000) -> list[User]:
    """Active people who cannot log in yet because no password was ever set."""
    stmt = (select(User).where(User.password_hash == NO_PASSWORD, User.active).options(selectinload(User.team))
            .order_by(User.full_name).limit(limit))
    return list(session.scalars(stmt))

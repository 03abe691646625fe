"""Passwords and user accounts."""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..models import User
from ..models.org import NO_PASSWORD

_hasher = PasswordHasher()  # argon2id
# A dummy hash to verify against when the login is unknown, so timing does not reveal it.
_DUMMY = _hasher.hash("not-a-real-password")
MIN_PASSWORD = 10
COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


class AccountError(ValueError):
    """A rule about accounts was broken; the message is shown to the user."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Пароль должен быть не короче {MIN_PASSWORD} символов.")
    lowered = password.lower()
    # Also refuse a common password with digits or punctuation tacked on: «qwerty2027!».
    if lowered in common_passwords() or lowered.rstrip("0123456789!.?") in common_passwords() or len(set(password)) < 4:
        raise AccountError("Этот пароль слишком распространён или прост. Выберите другой.")


def authenticate(session, login: str, password: str) -> User | None:
    """The active user with this login and password, or None (same work either way)."""
    user = session.scalar(select(User).where(func.lower(User.login) == login.strip().lower()))
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_password(user: User, password: str) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_version += 1  # ends every other session of this user


def create_user(session, login, full_name, role, password=None, team=None, station=None) -> User:
    login = login.strip().lower()
    if session.scalar(select(User.id).where(func.lower(User.login) == login)):
        raise AccountError(f"Логин «{login}» уже занят.")
    user = User(login=login, full_name=full_name.strip(), role=role, team=team, polling_station=station,
                active=True, session_version=1, password_hash=NO_PASSWORD)
    if password is not None:
        set_password(user, password)
    session.add(user)
    return user

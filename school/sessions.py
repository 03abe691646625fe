"""Session lifetime: 30 minutes idle and 12 hours absolute, checked on every request."""

import time

from flask import current_app, session
from flask_login import current_user, logout_user


def start(now: float | None = None) -> None:
    """Call right after login_user: stamps when the session began."""
    now = now or time.time()
    session["login_at"] = session["seen_at"] = int(now)


def _expired(now: float) -> bool:
    cfg = current_app.config
    login_at, seen_at = session.get("login_at", 0), session.get("seen_at", 0)
    return now - seen_at > cfg["SESSION_IDLE_SECONDS"] or now - login_at > cfg["SESSION_ABSOLUTE_SECONDS"]


def init_app(app):
    @app.before_request
    def enforce_timeouts():
        if not current_user.is_authenticated:
            return
        now = time.time()
        if _expired(now):
            logout_user()
            session.clear()
            return
        if now - session.get("seen_at", 0) > 60:  # refresh at most once a minute: fewer cookie rewrites
            session["seen_at"] = int(now)

"""Signed-in sessions made in Python, so a benchmark needs no login request per consultant.

Each cookie is what a real login leaves (Flask-Login's user id and session version, the session's
start and last-seen stamps, a permanent session) signed with the app's own session serializer, and
each CSRF token is made the way flask_wtf.csrf.generate_csrf makes it, inside the app. They stay
valid for the app's idle timeout (30 minutes), so make them just before the run.
"""

from flask import g, session
from flask_login import UserMixin, login_user
from flask_wtf.csrf import generate_csrf

from school import sessions


class _Signed(UserMixin):
    """Just what login_user needs: the id Flask-Login stores, and an active account."""

    def __init__(self, user_id: int, version: int):
        self.id, self.version = user_id, version

    def get_id(self):
        return f"{self.id}:{self.version}"  # as User.get_id: revoked when the version changes


def signed_in(app, users) -> list[tuple[str, str]]:
    """(session cookie value, CSRF form token) for each (user id, session version)."""
    serializer = app.session_interface.get_signing_serializer(app)
    out = []
    for user_id, version in users:
        with app.test_request_context("/login", method="POST"):
            login_user(_Signed(user_id, version))
            session.permanent = True
            sessions.start()
            token = generate_csrf()
            g.pop("csrf_token", None)  # generate_csrf caches the token in g, which an outer app context shares
            out.append((serializer.dumps(dict(session)), token))
    return out

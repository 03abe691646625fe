"""Role checks and lookups that fail fast with 404 when the object is not the user's."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .extensions import db
from .models import Attempt, Booking, SeminarSession, Team, User


def role_required(*roles):
    """Allow only these roles; anyone else gets 404, so routes are not even confirmed to exist."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_own_attempt_or_404(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def get_consultant_or_404(user_id: int) -> User:
    """A consultant of the coordinator's own team, or any consultant for an admin."""
    user = db.session.get(User, user_id)
    if user is None or user.role != "consultant":
        abort(404)
    if current_user.role != "admin" and (current_user.team_id is None or user.team_id != current_user.team_id):
        abort(404)
    return user


def get_team_or_404(team_id: int) -> Team:
    """Admins see every team; a coordinator only their own."""
    team = db.session.get(Team, team_id)
    if team is None or (current_user.role != "admin" and current_user.team_id != team.id):
        abort(404)
    return team


def get_seminar_or_404(seminar_id: int) -> SeminarSession:
    """A trainer's own session; any session for an admin."""
    seminar = db.session.get(SeminarSession, seminar_id)
    if seminar is None or (current_user.role != "admin" and seminar.trainer_id != current_user.id):
        abort(404)
    return seminar


def get_own_booking_or_404(booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.user_id != current_user.id:
        abort(404)
    return booking

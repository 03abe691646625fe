"""A coordinator's view of their team's seminars: who has a place, who attended, who has none; signing
consultants up and cancelling for them. Admins see any team."""

from flask import abort, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import get_consultant_or_404, get_team_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Booking, SeminarSession, User
from ..services import bookings
from ..services.seats import for_consultants
from ..services.seminars import when
from . import bp
from .forms import TeamSignUpForm
from .views import cancelled, cutoff, run, signed_up


@bp.get("/teams/<int:team_id>/seminars")
@role_required("coordinator", "admin")
def team(team_id):
    team = get_team_or_404(team_id)
    ids = select(User.id).where(User.team_id == team.id, User.role == "consultant")
    people = list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name)))
    modules, places, upcoming = for_consultants(db.session, ids)
    return render_template("seminars/team.html", team=team, people=people, modules=modules, places=places,
                           upcoming=upcoming, form=EmptyForm(), cutoff=cutoff(), may_cancel=bookings.may_cancel,
                           when=when)


def _back(team) -> str:
    return url_for("seminars.team", team_id=team.id)


def _member_or_404(team, user_id: int) -> User:
    person = get_consultant_or_404(user_id)
    if person.team_id != team.id:
        abort(404)
    return person


@bp.post("/teams/<int:team_id>/seminars/signup")
@role_required("coordinator", "admin")
def team_sign_up(team_id):
    team = get_team_or_404(team_id)
    form = TeamSignUpForm()
    ids = form.ids() if form.validate_on_submit() else None
    if ids is None:
        abort(400)
    person = _member_or_404(team, ids[0])
    seminar = db.get_or_404(SeminarSession, ids[1])
    return run(lambda: bookings.sign_up(db.session, seminar, person, current_user),
               lambda b: f"{person.full_name}: {signed_up(b)}", _back(team))


@bp.post("/teams/<int:team_id>/seminars/bookings/<int:booking_id>/cancel")
@role_required("coordinator", "admin")
def team_cancel(team_id, booking_id):
    team = get_team_or_404(team_id)
    booking = db.get_or_404(Booking, booking_id)
    person = _member_or_404(team, booking.user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run(lambda: bookings.cancel(db.session, booking, current_user, cutoff()),
               lambda p: f"{person.full_name}: {cancelled(p)}", _back(team))

"""The check-in board: each station of the team (the center: of a district) with who arrived and each stage;
stations nobody reached are red from 30 minutes before opening. The desk marks stages on a consultant's behalf,
flags «нет связи» and revokes a lost phone's report tokens."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import get_consultant_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import CheckIn, District
from ..services import checkins, device_tokens, voting_day
from . import bp
from .views import DESK


def _scope() -> dict:
    if current_user.role == "admin":
        return {"district_id": request.args.get("district", type=int)}
    return {"team_id": current_user.team_id or -1}


@bp.get("/stations")
@role_required(*DESK)
def board():
    day = voting_day.current_day(db.session)
    rows = checkins.board(db.session, day, **_scope()) if day else []
    admin = current_user.role == "admin"
    districts = list(db.session.scalars(select(District).order_by(District.name))) if admin else []
    return render_template("desk/board.html", day=day, rows=rows, stages=checkins.STAGES, form=EmptyForm(),
                           districts=districts, poll=0)


def _checkin_or_404(checkin_id: int) -> CheckIn:
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or (current_user.role != "admin" and checkin.station.team_id != current_user.team_id):
        abort(404)
    return checkin


@bp.post("/checkins/<int:checkin_id>/stage")
@role_required(*DESK)
def mark_for(checkin_id):
    checkin = _checkin_or_404(checkin_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        checkins.mark(db.session, checkin, request.form.get("stage", ""), current_user.id, "desk")
    except checkins.CheckInError as error:
        flash(str(error), "error")
        return redirect(url_for("desk.board"))
    db.session.commit()
    flash(f"Отмечено за консультанта: {checkin.consultant.full_name}.", "ok")
    return redirect(url_for("desk.board"))


@bp.post("/checkins/<int:checkin_id>/no-contact")
@role_required(*DESK)
def no_contact(checkin_id):
    checkin = _checkin_or_404(checkin_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    checkins.set_no_contact(db.session, checkin, request.form.get("value") == "1", current_user.id)
    db.session.commit()
    return redirect(url_for("desk.board"))


@bp.post("/consultants/<int:user_id>/revoke-tokens")
@role_required(*DESK)
def revoke_tokens(user_id):
    consultant = get_consultant_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = device_tokens.revoke_all(db.session, consultant.id, current_user.id)
    db.session.commit()
    flash(f"Ключи отправки консультанта {consultant.full_name} отозваны: {count}.", "ok")
    return redirect(url_for("desk.board"))

"""The consultant's day: their stations and stages, the device token for the offline queue, their reports."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import CheckIn
from ..services import checkins, device_tokens, incident_photos, incidents, playbook, voting_day
from . import bp


def _day_or_none():
    return voting_day.current_day(db.session)


@bp.get("/day")
@role_required("consultant")
def day():
    today = _day_or_none()
    if today is None:
        return render_template("voting/no_day.html")
    coordinator = current_user.team.coordinator if current_user.team else None
    return render_template("voting/day.html", day=today, form=EmptyForm(), stages=checkins.STAGES,
                           checkins=checkins.own_checkins(db.session, today, current_user.id),
                           reports=incidents.own_reports(db.session, today, current_user.id),
                           coordinator=coordinator, tokens=device_tokens.active_count(db.session, current_user.id))


@bp.post("/day/checkins/<int:checkin_id>/<stage>")
@role_required("consultant")
def mark(checkin_id, stage):
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.consultant_id != current_user.id or stage not in checkins.STAGES:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        observers = None
        if stage == "arrived":
            rows = zip(request.form.getlist("org"), request.form.getlist("count"), strict=False)
            observers = checkins.parse_observers(list(rows))
        checkins.mark(db.session, checkin, stage, current_user.id, "web", observers)
    except checkins.CheckInError as error:
        flash(str(error), "error")
        return redirect(url_for("voting.day"))
    db.session.commit()
    flash(f"Отмечено: {checkins.STAGES[stage][1]}, участок № {checkin.station.number}.", "ok")
    return redirect(url_for("voting.day"))


@bp.post("/day/device-token")
@role_required("consultant")
def device_token():
    """A report token for this phone (JSON), once the consultant has checked in."""
    today = _day_or_none()
    if today is None:
        return jsonify(error="День голосования не назначен."), 409
    try:
        token, row, stations = device_tokens.issue(db.session, current_user, today)
    except device_tokens.TokenError as error:
        return jsonify(error=str(error)), 409
    db.session.commit()
    return jsonify(token=token, user_id=current_user.id, expires_at=row.expires_at.isoformat(),
                   stations=[{"id": s.id, "number": s.number, "address": s.address} for s in stations])


@bp.post("/day/device-token/revoke")
@role_required("consultant")
def revoke_tokens():
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = device_tokens.revoke_all(db.session, current_user.id, current_user.id)
    db.session.commit()
    flash(f"Ключи отправки отозваны: {count}. Очередь на других телефонах больше не отправится.", "ok")
    return redirect(url_for("voting.day"))


@bp.get("/report")
@login_required
def report_form():
    """The report form, the same for everyone (kept for offline use): the stations come from the phone's store."""
    kinds = playbook.incident_kinds(db.session)
    return render_template("voting/report.html", kinds=kinds.values(), selected=request.args.get("kind", ""))


@bp.get("/incidents/<int:incident_id>/photo")
@login_required
def photo(incident_id):
    incident = incidents.get_visible(db.session, current_user, incident_id)
    if incident is None or incident.photo is None:
        abort(404)
    path = incident_photos.path_of(current_app.config["INCIDENT_PHOTO_DIR"], incident.photo.file_name)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response

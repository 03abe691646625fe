"""The queue and one incident: take (a 10-minute lock), comment, change status and verdict; a report entered by
the desk on someone's behalf. Coordinators see their team only; another team's incident is a 404."""

from flask import abort, current_app, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import District
from ..request_limits import MB, body_limit
from ..services import desk, incident_photos, incidents, playbook, voting_day
from . import bp
from .forms import DeskReportForm, desk_report_choices, report_from_form

DESK = ("coordinator", "admin")


def _filters() -> dict:
    args = request.args
    status = args.get("status") or None
    if current_user.role != "admin":
        return {"status": status}
    return {"status": status, "team_id": args.get("team", type=int), "district_id": args.get("district", type=int)}


def _queue_context():
    day = voting_day.current_day(db.session)
    rows = desk.queue(db.session, current_user, day, **_filters()) if day else []
    return {"day": day, "rows": rows, "kinds": playbook.incident_kinds(db.session), "waited": desk.waited_seconds,
            "holder": desk.lock_holder}


@bp.get("")
@role_required(*DESK)
def queue():
    districts = db.session.scalars(select(District).order_by(District.name)) if current_user.role == "admin" else []
    return render_template("desk/queue.html", poll=current_app.config["DESK_POLL_SECONDS"], districts=list(districts),
                           **_queue_context())


@bp.get("/rows")
@role_required(*DESK)
def rows():
    """The queue's rows alone, for the page to refresh itself (marked, so a login page is never taken for rows)."""
    response = make_response(render_template("desk/_rows.html", **_queue_context()))
    response.headers["X-Desk-Rows"] = "1"
    return response


def _incident_or_404(incident_id: int):
    incident = incidents.get_visible(db.session, current_user, incident_id)
    if incident is None:
        abort(404)
    return incident


@bp.get("/incidents/<int:incident_id>")
@role_required(*DESK)
def incident(incident_id):
    row = _incident_or_404(incident_id)
    kinds = playbook.incident_kinds(db.session)
    return render_template("desk/incident.html", incident=row, kind=kinds.get(row.kind), form=EmptyForm(),
                           holder=desk.lock_holder(row), waited=desk.waited_seconds(row),
                           kind_title=playbook.kind_title(db.session, row.kind), moves=desk.MOVES[row.status])


ACTIONS = {
    "take": lambda s, i, u, f: desk.take(s, i, u),
    "release": lambda s, i, u, f: desk.release(s, i, u),
    "status": lambda s, i, u, f: desk.set_status(s, i, u, f.get("status", ""), f.get("comment", "")),
    "verdict": lambda s, i, u, f: desk.set_verdict(s, i, u, f.get("verdict", ""), f.get("comment", "")),
    "comment": lambda s, i, u, f: desk.comment(s, i, u, f.get("comment", "")),
}


@bp.post("/incidents/<int:incident_id>/<action>")
@role_required(*DESK)
def act(incident_id, action):
    row = _incident_or_404(incident_id)
    if action not in ACTIONS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ACTIONS[action](db.session, row, current_user, request.form)
    except desk.DeskError as error:
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=str(error)), 409
        flash(str(error), "error")
        return incident(incident_id), 409
    db.session.commit()
    return redirect(url_for("desk.incident", incident_id=incident_id))


@bp.route("/report", methods=["GET", "POST"])
@role_required(*DESK)
@body_limit(11 * MB)
def report():
    """Write down a report phoned in by a consultant or observer (channel: desk)."""
    day = voting_day.current_day(db.session)
    form = DeskReportForm()
    desk_report_choices(db.session, form, current_user)
    if day is not None and form.validate_on_submit():
        try:
            row, _ = incidents.create(db.session, day, report_from_form(form), consultant_id=form.consultant_id.data
                                      or None, actor_id=current_user.id, channel="desk",
                                      photo_dir=current_app.config["INCIDENT_PHOTO_DIR"])
        except (incidents.IncidentError, incident_photos.PhotoError) as error:
            db.session.rollback()
            form.description.errors.append(str(error))
        else:
            db.session.commit()
            flash("Сообщение записано.", "ok")
            return redirect(url_for("desk.incident", incident_id=row.id))
    return render_template("desk/report.html", form=form, day=day)

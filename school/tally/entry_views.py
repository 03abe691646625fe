"""Protocols by station: the list, one protocol's page (photos next to the figures), the photos of its pages,
and the entry of its figures (round 1 and the independent round 2), with the relations checked before saving."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import District, ProtocolPhoto, User
from ..request_limits import MB, body_limit
from ..services import incident_photos, protocol_copies, protocol_entry, protocol_view, tally_lists
from ..services.protocol_values import as_text, parse_values
from ..services.tally_flags import Rules
from . import bp
from .lookup import ENTRY, contest_or_404, election_or_none, station_or_404


@bp.get("")
@role_required(*ENTRY)
def index():
    election = election_or_none()
    if election is None:
        return render_template("tally/no_election.html")
    district_id = request.args.get("district", type=int) if current_user.role == "admin" else None
    districts = list(db.session.scalars(db.select(District).order_by(District.name)))
    if current_user.role == "admin" and district_id is None and districts:
        district_id = districts[0].id  # the whole country is the center's tally page, not a list
    lines = tally_lists.station_list(db.session, current_user, election, Rules.from_config(current_app.config),
                                     district_id)
    return render_template("tally/index.html", election=election, lines=lines, districts=districts,
                           district_id=district_id)


def _view(station_id: int, contest_id: int):
    contest = contest_or_404(contest_id)
    station = station_or_404(station_id, contest.election)
    return station, contest, protocol_view.build(db.session, current_user, station, contest)


@bp.get("/stations/<int:station_id>/contests/<int:contest_id>")
@role_required(*ENTRY)
def protocol(station_id, contest_id):
    _, _, view = _view(station_id, contest_id)
    return render_template("tally/copy.html", v=view, form=EmptyForm())


@bp.post("/stations/<int:station_id>/contests/<int:contest_id>/photos")
@role_required(*ENTRY)
@body_limit((protocol_copies.MAX_PER_UPLOAD * 10 + 1) * MB)
def photos(station_id, contest_id):
    station, contest, view = _view(station_id, contest_id)
    if not (view.who.own or view.desk):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    uploads = [f.read(incident_photos.MAX_UPLOAD + 1) for f in request.files.getlist("photos") if f.filename]
    photo_dir = current_app.config["PROTOCOL_PHOTO_DIR"]
    try:
        copy = protocol_copies.locked(db.session, station, contest)
        count = protocol_copies.add_photos(db.session, copy, uploads, current_user.id, photo_dir)
    except (protocol_copies.ProtocolError, incident_photos.PhotoError) as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Фото добавлено: {count}.", "ok")
    return redirect(url_for("tally.protocol", station_id=station_id, contest_id=contest_id))


def _people(station, view, round_) -> list[User]:
    """Consultants the desk may enter round 1 on behalf of: the station's team."""
    if round_ == 2 or not view.desk:
        return []
    return list(db.session.scalars(db.select(User).filter_by(role="consultant", team_id=station.team_id)
                                   .order_by(User.full_name)))


def _entry_from_form(contest, people) -> tuple[protocol_entry.Entry, dict]:
    values, errors = parse_values([x.code for x in contest.lines], request.form)
    behalf = request.form.get("on_behalf_of", type=int)
    return protocol_entry.Entry(values, request.form.get("comment", ""),
                                behalf if behalf in {p.id for p in people} else None,
                                request.form.get("source_note", "")), errors


def _save(station, contest, view, round_, entry) -> tuple[bool, list]:
    """(saved, the failing relations when a comment is needed first); a refusal is flashed."""
    try:
        copy = protocol_copies.locked(db.session, station, contest)
        protocol_entry.enter(db.session, copy, round_, view.who, entry, contest.election.second_entry)
    except protocol_entry.NeedsComment as error:
        db.session.rollback()
        return False, error.relations
    except protocol_copies.ProtocolError as error:
        db.session.rollback()
        flash(str(error), "error")
        return False, []
    db.session.commit()
    flash("Цифры сохранены.", "ok")
    return True, []


@bp.route("/stations/<int:station_id>/contests/<int:contest_id>/enter/<int:round_>", methods=["GET", "POST"])
@role_required(*ENTRY)
def enter(station_id, contest_id, round_):
    station, contest, view = _view(station_id, contest_id)
    if round_ not in (1, 2):
        abort(404)
    refusal, failing, errors, entry, people = view.may_enter[round_], [], {}, None, _people(station, view, round_)
    if request.method == "POST" and refusal is None:
        if not EmptyForm().validate_on_submit():
            abort(400)
        entry, errors = _entry_from_form(contest, people)
        if not errors:
            saved, failing = _save(station, contest, view, round_, entry)
            if saved:
                return redirect(url_for("tally.protocol", station_id=station_id, contest_id=contest_id))
    return render_template("tally/enter.html", v=view, round_=round_, refusal=refusal, failing=failing,
                           errors=errors, entry=entry, people=people, form=EmptyForm(),
                           typed=as_text(entry.values if entry else None, [x.code for x in contest.lines]))


@bp.post("/contests/<int:contest_id>/check")
@role_required(*ENTRY)
def check(contest_id):
    """The relations the typed figures break, in words, while typing (JSON); saving checks them again."""
    contest = contest_or_404(contest_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    values, errors = parse_values([x.code for x in contest.lines], request.form)
    result = protocol_entry.check(contest, values)
    return jsonify(failing=[{"code": r.code, "message": r.message, "severity": r.severity} for r in result.failing],
                   missing=len(result.missing), errors=errors)


@bp.get("/photos/<int:photo_id>")
@role_required(*ENTRY)
def photo(photo_id):
    row = db.session.get(ProtocolPhoto, photo_id)
    if row is None:
        abort(404)
    station_or_404(row.copy.station_id, row.copy.contest.election)
    path = incident_photos.path_of(current_app.config["PROTOCOL_PHOTO_DIR"], row.file_name)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response

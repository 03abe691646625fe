"""The desk on a protocol: settle a conflict from the photo, mark a flagged relation as checked on the photo; the
center's verdict, quarantine and corrections (a new version, with a reason); the printable station card."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..services import protocol_copies, protocol_status, protocol_view, reconcile, tally_lists
from ..services.protocol_values import as_text, parse_values
from ..services.tally_flags import Rules
from . import bp
from .lookup import DESK, copy_or_404, election_or_404, station_or_404


def _codes(copy) -> list[str]:
    return [x.code for x in copy.contest.lines]


def _back(copy):
    return redirect(url_for("tally.protocol", station_id=copy.station_id, contest_id=copy.contest_id))


def _act(copy_id: int, action) -> object:
    """Lock the copy, take the step, commit; a refusal is said on the protocol's page."""
    copy = copy_or_404(copy_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    copy = protocol_copies.locked(db.session, copy.station, copy.contest)
    try:
        action(copy)
    except protocol_copies.ProtocolError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Сохранено.", "ok")
    return _back(copy)


@bp.post("/copies/<int:copy_id>/settle")
@role_required(*DESK)
def settle(copy_id):
    form = request.form
    return _act(copy_id, lambda copy: reconcile.settle(db.session, copy, _codes(copy), current_user,
                                                       form.get("code", ""), form.get("value", ""),
                                                       form.get("reason", "")))


@bp.post("/copies/<int:copy_id>/verify")
@role_required(*DESK)
def verify(copy_id):
    form = request.form
    return _act(copy_id, lambda copy: protocol_status.verify(db.session, copy, current_user,
                                                             form.get("relation_id", type=int) or 0,
                                                             form.get("comment", "")))


@bp.post("/copies/<int:copy_id>/verdict")
@role_required("admin")
def verdict(copy_id):
    form = request.form
    return _act(copy_id, lambda copy: protocol_status.set_verdict(db.session, copy, current_user,
                                                                  form.get("verdict", ""), form.get("comment", "")))


@bp.post("/copies/<int:copy_id>/quarantine")
@role_required("admin")
def quarantine(copy_id):
    form = request.form
    return _act(copy_id, lambda copy: protocol_status.set_quarantine(db.session, copy, current_user,
                                                                     form.get("on") == "1", form.get("reason", "")))


@bp.route("/copies/<int:copy_id>/correct", methods=["GET", "POST"])
@role_required("admin")
def correct(copy_id):
    """A correction of the agreed figures (an amended protocol, a misread line): a new version with a reason."""
    copy = copy_or_404(copy_id)
    codes, errors = _codes(copy), {}
    current = reconcile.current_version(copy)
    typed = as_text(current.values if current else None, codes)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        values, errors = parse_values(codes, request.form)
        typed = as_text(values, codes) | {c: request.form.get(f"line-{c}", "") for c in errors}
        if not errors:
            locked = protocol_copies.locked(db.session, copy.station, copy.contest)
            try:
                reconcile.correct(db.session, locked, codes, current_user, values, request.form.get("reason", ""))
            except protocol_copies.ProtocolError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                flash("Исправление сохранено новой версией.", "ok")
                return _back(copy)
    return render_template("tally/correct.html", copy=copy, current=current, typed=typed, errors=errors,
                           form=EmptyForm())


@bp.get("/stations/<int:station_id>/card")
@role_required(*DESK)
def card(station_id):
    """One printable page per station: each protocol's figures, its flags and its photos."""
    election = election_or_404()
    station = station_or_404(station_id, election)
    views = [protocol_view.build(db.session, current_user, station, contest) for contest in election.contests]
    flags = tally_lists.station_flags(db.session, election, station, Rules.from_config(current_app.config))
    return render_template("tally/card.html", station=station, election=election, views=views, flags=flags)

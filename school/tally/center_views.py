"""The center's tally (totals and shares by district and for the city, turnout, the flagged stations), the CSV of
every station and contest with every line, and the official figures: import and differences line by line."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import District, PollingStation
from ..request_limits import MB, body_limit
from ..services import elections, official, tally, tally_export, tally_flags
from ..services.export import table_csv
from . import bp
from .lookup import DESK, election_or_404, election_or_none

FLAG_ROWS = 100


def _contest(election):
    contest_id = request.args.get("contest", type=int)
    contest = next((c for c in election.contests if c.id == contest_id), None) if contest_id else None
    return contest or (election.contests[0] if election.contests else None)


def _districts():
    return list(db.session.scalars(select(District).order_by(District.name)))


def _scoped(contest) -> tuple[list[tally.Row], list[tally_flags.Flagged]]:
    """The rows and flags the user may export: a district (or all) for the center, the team for a coordinator;
    flags are computed over whole districts either way."""
    district_id = request.args.get("district", type=int)
    if current_user.role == "admin":
        districts = {district_id} if district_id else None
    else:
        districts = set(db.session.scalars(select(PollingStation.district_id).filter_by(
            team_id=current_user.team_id or -1)))
    rows = tally.load(db.session, contest, districts)
    flagged = tally_flags.flags(contest, rows, tally_flags.Rules.from_config(current_app.config))
    if current_user.role != "admin":
        rows = [r for r in rows if r.team_id == current_user.team_id]
        flagged = [f for f in flagged if f.row.team_id == current_user.team_id]
    return rows, flagged


def _csv(table, name: str) -> Response:
    return Response(table_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/center")
@role_required("admin")
def center():
    election = election_or_none()
    if election is None:
        return render_template("tally/no_election.html")
    contest = _contest(election)
    result, flagged = None, []
    if contest is not None:
        rows, flagged = _scoped(contest)
        result = tally.totals(contest, rows)
    return render_template("tally/center.html", election=election, contest=contest, t=result,
                           flagged=flagged[:FLAG_ROWS], flag_count=len(flagged), districts=_districts(),
                           district_id=request.args.get("district", type=int),
                           elections=elections.all_elections(db.session))


@bp.get("/protocols.csv")
@role_required(*DESK)
def protocols_csv():
    """Every station in scope for one contest, every line, states and flags."""
    election = election_or_404()
    contest = _contest(election)
    if contest is None:
        abort(404)
    rows, flagged = _scoped(contest)
    return _csv(tally_export.protocols_table(contest, rows, flagged), f"protocols-{contest.code}.csv")


@bp.route("/official", methods=["GET", "POST"])
@role_required("admin")
@body_limit(16 * MB)
def official_view():
    election = election_or_404()
    form, problems = EmptyForm(), []
    if request.method == "POST":
        upload = request.files.get("file")
        if not form.validate_on_submit():
            abort(400)
        try:
            if upload is None or not upload.filename:
                raise official.OfficialError(["выберите файл"])
            count = official.import_file(db.session, current_user.id, election, upload.filename, upload.read())
        except official.OfficialError as error:
            db.session.rollback()
            problems = error.problems
        else:
            db.session.commit()
            flash(f"Официальные итоги загружены: {count} протоколов участков.", "ok")
            return redirect(url_for("tally.official_view", election=election.id))
    contest = _contest(election)
    comparison = official.compare(db.session, contest, tally.load(db.session, contest)) if contest else None
    return render_template("tally/official.html", election=election, contest=contest, comparison=comparison,
                           problems=problems[:50], more=max(0, len(problems) - 50), form=form)


@bp.get("/official/differences.csv")
@role_required("admin")
def differences_csv():
    election = election_or_404()
    contest = _contest(election)
    if contest is None:
        abort(404)
    comparison = official.compare(db.session, contest, tally.load(db.session, contest))
    return _csv(tally_export.differences_table(contest, comparison), f"differences-{contest.code}.csv")

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_team_or_404, role_required
from ..extensions import db
from ..models._types import utcnow
from ..services import elections
from ..services.calendar import countdown
from ..services.export import readiness_csv, readiness_xlsx
from ..services.readiness import SORTS, STATUSES, team_readiness
from . import bp


def _filters():
    status = request.args.get("status") or None
    sort = request.args.get("sort", "name")
    if (status and status not in STATUSES) or sort not in SORTS:
        abort(400)
    return status, sort


@bp.get("/team")
@role_required("coordinator")
def my_team():
    if current_user.team_id is None:
        return render_template("readiness/no_team.html")
    return redirect(url_for("readiness.team", team_id=current_user.team_id))


@bp.get("/teams/<int:team_id>")
@role_required("coordinator", "admin")
def team(team_id):
    team = get_team_or_404(team_id)
    status, sort = _filters()
    readiness = team_readiness(db.session, team.id, status, sort)
    days = countdown(elections.election_date(db.session, current_app.config["ELECTION_DATE"]),
                     current_app.config["QUALIFICATION_DEADLINE"])
    size = current_app.config["READINESS_PAGE_SIZE"]
    pages = max(1, -(-len(readiness.rows) // size))
    page = min(max(1, request.args.get("page", 1, type=int)), pages)
    rows = readiness.rows[(page - 1) * size:page * size]
    return render_template("readiness/team.html", team=team, r=readiness, rows=rows, page=page, pages=pages,
                           status=status, sort=sort, statuses=STATUSES, days=days)


@bp.get("/teams/<int:team_id>/coverage")
@role_required("coordinator", "admin")
def coverage(team_id):
    team = get_team_or_404(team_id)
    return render_template("readiness/coverage.html", team=team, r=team_readiness(db.session, team.id))


@bp.get("/teams/<int:team_id>/print")
@role_required("coordinator", "admin")
def print_sheet(team_id):
    team = get_team_or_404(team_id)
    return render_template("readiness/print.html", team=team, r=team_readiness(db.session, team.id, sort="station"),
                           statuses=STATUSES, now=utcnow())


FORMATS = {
    "csv": (lambda r, name: readiness_csv(r, name).encode("utf-8"), "text/csv"),
    "xlsx": (readiness_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@bp.get("/teams/<int:team_id>/readiness.<fmt>")
@role_required("coordinator", "admin")
def export(team_id, fmt):
    """The readiness list (with the page's filter and sort) as CSV (UTF-8 with BOM) or XLSX."""
    if fmt not in FORMATS:
        abort(404)
    team = get_team_or_404(team_id)
    status, sort = _filters()
    build, mimetype = FORMATS[fmt]
    body = build(team_readiness(db.session, team.id, status, sort), team.name)
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="readiness-team-{team.id}.{fmt}"'})

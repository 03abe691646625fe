from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_team_or_404, role_required
from ..extensions import db
from ..services.export import readiness_csv
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
    return render_template("readiness/team.html", team=team, r=readiness, status=status, sort=sort,
                           statuses=STATUSES)


@bp.get("/teams/<int:team_id>/readiness.csv")
@role_required("coordinator", "admin")
def export(team_id):
    team = get_team_or_404(team_id)
    status, sort = _filters()
    body = readiness_csv(team_readiness(db.session, team.id, status, sort), team.name)
    filename = f"readiness-team-{team.id}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

"""The center: every district's figures (rejected incidents never count), the export of everything, the
printable incident report per station, and the voting days with their expected check-ins."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import District, PollingStation, VotingDay
from ..models._types import utcnow
from ..services import audit, elections, incident_stats, playbook, voting_day
from ..services.export import table_csv
from . import bp
from .forms import VotingDayForm
from .views import DESK


def _day() -> VotingDay | None:
    day_id = request.args.get("day", type=int)
    return db.session.get(VotingDay, day_id) if day_id else voting_day.current_day(db.session)


@bp.get("/center")
@role_required("admin")
def center():
    day = _day()
    district_id = request.args.get("district", type=int)
    totals = incident_stats.totals(db.session, current_user, day, district_id) if day else None
    return render_template("desk/center.html", day=day, totals=totals, district_id=district_id,
                           days=voting_day.all_days(db.session),
                           districts=list(db.session.scalars(select(District).order_by(District.name))))


@bp.get("/incidents.csv")
@role_required(*DESK)
def export_csv():
    day = _day()
    if day is None:
        abort(404)
    table = incident_stats.export_table(db.session, current_user, day, request.args.get("district", type=int))
    return Response(table_csv(table), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=incidents-{day.date.isoformat()}.csv"})


@bp.get("/stations/<int:station_id>/report")
@role_required(*DESK)
def station_report(station_id):
    station = db.session.get(PollingStation, station_id)
    day = _day()
    if station is None or day is None:
        abort(404)
    if current_user.role != "admin" and station.team_id != current_user.team_id:
        abort(404)
    rows, rejected = incident_stats.station_report(db.session, current_user, day, station.id)
    return render_template("desk/station_report.html", station=station, day=day, rows=rows, rejected=rejected,
                           now=utcnow(), kind_title=lambda slug: playbook.kind_title(db.session, slug))


@bp.route("/days", methods=["GET", "POST"])
@role_required("admin")
def days():
    election = elections.current(db.session)  # the election's date is the voting date once it is set up
    form = VotingDayForm(date=election.date if election else None, title=election.name[:200] if election else "")
    if form.validate_on_submit():
        try:
            day = voting_day.create_day(db.session, current_user.id, form.date.data, form.title.data or "",
                                        form.rehearsal.data)
        except voting_day.VotingDayError as error:
            form.date.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"День {day.date:%d.%m.%Y} создан; ожидаемые отметки консультантов готовы.", "ok")
            return redirect(url_for("desk.days"))
    return render_template("desk/days.html", form=form, days=voting_day.all_days(db.session), sync=EmptyForm())


@bp.post("/days/<int:day_id>/sync")
@role_required("admin")
def sync_day(day_id):
    day = db.get_or_404(VotingDay, day_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = voting_day.sync_checkins(db.session, day)
    audit.record(db.session, current_user.id, "voting_day.sync", day=day.id, checkins=count)
    db.session.commit()
    flash(f"Ожидаемые отметки обновлены: {count}.", "ok")
    return redirect(url_for("desk.days"))

"""Numbers for the center: fill and attendance per session, no-shows per team, and from 7 days before the
qualification deadline the consultants with neither a seminar place nor the online part (page and CSV)."""

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import select

from school.models import Booking, Module
from school.services import bookings, progress, seminar_stats
from school.services.calendar import ALMATY

from .seminar_helpers import seminar


def _booked(db, s, person, attendance=None):
    db.session.add(Booking(session_id=s.id, user_id=person.id, module_id=s.module_id, status="booked",
                           attendance=attendance))
    s.booked += 1
    db.session.commit()


def test_fill_and_attendance_rates_and_no_shows_per_team(client, db, make, login_as):
    north, south = make.team(name="Бригада Север"), make.team(name="Бригада Юг")
    past = seminar(db, make, starts_in=timedelta(days=-2), capacity=4)
    coming = seminar(db, make, capacity=2)
    for person, mark in ((make.user(team=north), "present"), (make.user(team=north), "late"),
                         (make.user(team=north), "absent"), (make.user(team=south), None)):
        _booked(db, past, person, mark)
    for _ in range(3):
        person = make.user(team=south)
        bookings.sign_up(db.session, coming, person, person)
    db.session.commit()
    lines = {line.seminar.id: line for line in seminar_stats.session_lines(db.session)}
    assert (lines[past.id].fill, lines[past.id].attendance, lines[past.id].attended) == (100, 50, 2)
    assert (lines[coming.id].fill, lines[coming.id].attendance, lines[coming.id].waiting) == (100, None, 1)
    teams = {t.team: t for t in seminar_stats.no_shows(db.session)}
    assert (teams["Бригада Север"].no_shows, teams["Бригада Север"].attended) == (1, 2)
    assert (teams["Бригада Юг"].no_shows, teams["Бригада Юг"].unmarked) == (1, 1)
    login_as("admin")
    page = client.get("/admin/seminars").get_data(as_text=True)
    assert "2 из 4 (50%)" in page and "Бригада Север" in page and "2 из 2 (100%)" in page


def test_the_deadline_list_opens_seven_days_before_and_is_exported(app, client, db, make, login_as):
    assert not seminar_stats.alert_open(date(2026, 12, 26), date(2027, 1, 3), 7)
    assert seminar_stats.alert_open(date(2026, 12, 27), date(2027, 1, 3), 7)
    team = make.team()
    law = db.session.scalar(select(Module).filter_by(slug="law"))
    nothing, placed, online = (make.user(team=team, name=n) for n in ("Аа Ничего", "Бб Место", "Вв Онлайн"))
    s = seminar(db, make)
    for module in ("law", "situations"):
        other = s if module == "law" else seminar(db, make, module="situations")
        bookings.sign_up(db.session, other, placed, placed)
    for m in db.session.scalars(select(Module)):
        for section in m.sections:
            progress.complete_section(db.session, online.id, section)
    db.session.commit()
    login_as("admin")
    today = datetime.now(ALMATY).date()
    app.config["QUALIFICATION_DEADLINE"] = (today + timedelta(days=30)).isoformat()
    try:
        assert "Нет ни места на семинаре" not in client.get("/admin/").get_data(as_text=True)
        app.config["QUALIFICATION_DEADLINE"] = (today + timedelta(days=7)).isoformat()
        page = client.get("/admin/").get_data(as_text=True)
        assert "Нет ни места на семинаре, ни онлайн-части" in page and "Аа Ничего" in page
        assert "Бб Место" not in page and "Вв Онлайн" not in page
        assert "Аа Ничего" in client.get("/admin/seminars").get_data(as_text=True)
    finally:
        app.config["QUALIFICATION_DEADLINE"] = "2027-01-03"
    export = client.get("/admin/seminars/missing.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert [r[2] for r in rows[1:]] == ["Аа Ничего"] and law.title in rows[1][5]


def test_a_waiting_place_is_not_a_seminar_place(db, make):
    team = make.team()
    s = seminar(db, make, capacity=1)
    first, second = make.user(team=team), make.user(team=team)
    for person in (first, second):
        bookings.sign_up(db.session, s, person, person)
    db.session.commit()
    rows = [r for d in seminar_stats.missing(db.session) for r in d.rows]
    waiting = next(r for r in rows if r.consultant.id == second.id)
    assert any("лист ожидания, № 1" in seat for seat in waiting.seats)
    assert all(s.module.title not in r.modules for r in rows if r.consultant.id == first.id)


def test_missing_list_query_count_is_constant(db, make, count_queries):
    counts = []
    for size in (2, 12):
        team = make.team()
        for _ in range(size):
            make.user(team=team, station=make.station(team))
        db.session.expire_all()
        with count_queries() as counter:
            seminar_stats.missing(db.session)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts

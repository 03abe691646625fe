"""The desk: the coordinator's queue, the lock, statuses and verdicts, history, the center's figures and exports,
the check-in board and entry on a consultant's behalf. Another team's incident is a 404."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from school.models import CheckIn, CheckInEvent, Incident, IncidentEvent
from school.models._types import utcnow
from school.services import desk, incident_stats

from .conftest import csrf_from
from .voting_helpers import client_for, make_day, report, token_for


@pytest.fixture
def world(app, db, make):
    """Two teams with a coordinator, a consultant and a station each; today's voting day; one report each."""
    teams = [make.team(), make.team()]
    people = {}
    for n, team in enumerate(teams):
        station = make.station(team, number=400 + n)
        consultant = make.user("consultant", team=team, station=station, name=f"Консультант {n}")
        consultant.phone = f"+7 701 000 00 0{n}"
        people[n] = {"team": team, "station": station, "consultant": consultant,
                     "coordinator": make.user("coordinator", team=team, name=f"Координатор {n}")}
    day = make_day(db)
    client = app.test_client()
    for n, p in people.items():
        token = token_for(db, day, p["consultant"])
        p["token"] = token
        p["incident"] = report(client, token, p["station"].id, client_id=f"0000000{n}-aaaa-4000-8000-000000000000",
                               description=f"Вброс на участке {n}").get_json()["id"]
    return day, people, make.user("admin")


def post(client, url, **data):
    token = csrf_from(client.get("/account/password"))
    return client.post(url, data={"csrf_token": token, **data})


def test_coordinator_sees_only_the_team_queue_and_phones(app, world):
    _, people, _ = world
    coordinator = client_for(app, people[0]["coordinator"])
    html = coordinator.get("/desk").get_data(as_text=True)
    assert "Вброс на участке 0" in html and "Вброс на участке 1" not in html and "+7 701 000 00 00" in html
    assert 'data-interval="15"' in html
    other = people[1]["incident"]
    for url in (f"/desk/incidents/{other}", f"/incidents/{other}/photo",
                f"/desk/stations/{people[1]['station'].id}/report"):
        assert coordinator.get(url).status_code == 404, url
    assert post(coordinator, f"/desk/incidents/{other}/take").status_code == 404
    assert coordinator.get("/desk/incidents/999999").status_code == 404
    rows = coordinator.get("/desk/rows?status=new")
    assert rows.headers["X-Desk-Rows"] == "1" and "Вброс на участке 0" in rows.get_data(as_text=True)


def test_poll_interval_is_configurable(app, world, monkeypatch):
    _, people, _ = world
    monkeypatch.setitem(app.config, "DESK_POLL_SECONDS", 1)
    assert 'data-interval="1"' in client_for(app, people[0]["coordinator"]).get("/desk").get_data(as_text=True)


def test_take_locks_for_ten_minutes_and_every_step_is_history(app, db, world):
    _, people, admin = world
    incident_id = people[0]["incident"]
    coordinator, center = client_for(app, people[0]["coordinator"]), client_for(app, admin)
    assert post(coordinator, f"/desk/incidents/{incident_id}/take").status_code == 302
    row = db.session.get(Incident, incident_id)
    assert row.status == "taken" and row.taken_by_id == people[0]["coordinator"].id
    assert timedelta(minutes=9) < row.taken_until - utcnow() <= timedelta(minutes=10)
    refused = post(center, f"/desk/incidents/{incident_id}/status", status="escalated")
    assert refused.status_code == 409 and "взял(а) Координатор 0" in refused.get_data(as_text=True)
    assert post(center, f"/desk/incidents/{incident_id}/comment", comment="Центр в курсе").status_code == 302
    post(coordinator, f"/desk/incidents/{incident_id}/status", status="escalated", comment="Нужна жалоба в ТИК")
    row.taken_until = utcnow() - timedelta(seconds=1)  # the lock lapsed
    db.session.commit()
    assert post(center, f"/desk/incidents/{incident_id}/verdict", verdict="confirmed").status_code == 302
    assert post(center, f"/desk/incidents/{incident_id}/status", status="resolved").status_code == 302
    db.session.refresh(row)
    assert (row.status, row.verdict, row.taken_by_id) == ("resolved", "confirmed", admin.id) and row.resolved_at
    events = [(e.action, e.old, e.new, e.channel) for e in db.session.scalars(
        select(IncidentEvent).filter_by(incident_id=incident_id).order_by(IncidentEvent.id))]
    assert events == [("created", None, "02-case", "web"), ("taken", None, None, "web"),
                      ("status", "new", "taken", "web"), ("comment", None, None, "web"),
                      ("status", "taken", "escalated", "web"), ("taken", None, None, "web"),
                      ("verdict", None, "confirmed", "web"), ("status", "escalated", "resolved", "web")]
    html = center.get(f"/desk/incidents/{incident_id}").get_data(as_text=True)
    assert "Нужна жалоба в ТИК" in html and "Центр в курсе" in html and "состояние: передано в центр → решено" in html
    assert post(center, f"/desk/incidents/{incident_id}/status", status="new").status_code == 409


def test_consultant_sees_the_acknowledgement(app, db, world):
    _, people, _ = world
    consultant = client_for(app, people[0]["consultant"])
    assert "получено, ждёт координатора" in consultant.get("/day").get_data(as_text=True)
    post(client_for(app, people[0]["coordinator"]), f"/desk/incidents/{people[0]['incident']}/take")
    assert "взято в работу: Координатор 0" in consultant.get("/day").get_data(as_text=True)


def test_rejected_incidents_never_count(app, db, world):
    day, people, admin = world
    center = client_for(app, admin)
    post(center, f"/desk/incidents/{people[1]['incident']}/verdict", verdict="rejected", comment="Два выбора")
    totals = incident_stats.totals(db.session, admin, day)
    assert (totals.total, totals.rejected) == (1, 1)
    assert totals.by_station == [(400, 1)] and totals.by_kind == [("Ситуация 2", 1)] and len(totals.by_hour) == 1
    html = center.get("/desk/center").get_data(as_text=True)
    assert "Отклонено (не считаются): 1" in html and "№ 400" in html and "№ 401" not in html
    csv = center.get("/desk/incidents.csv")
    text = csv.get_data(as_text=True)
    assert csv.headers["Cache-Control"] == "no-store" and "Вброс на участке 1" in text and "отклонено" in text
    report_page = center.get(f"/desk/stations/{people[1]['station'].id}/report").get_data(as_text=True)
    assert "Вброс на участке 1" not in report_page and "Отклонённые при проверке (1) не включены" in report_page


def test_the_center_sees_every_district_and_filters_by_one(app, world):
    _, people, admin = world
    center = client_for(app, admin)
    html = center.get("/desk").get_data(as_text=True)
    assert "Вброс на участке 0" in html and "Вброс на участке 1" in html and 'id="district"' in html
    district = people[1]["team"].district_id
    rows = center.get(f"/desk/rows?district={district}").get_data(as_text=True)
    assert "Вброс на участке 1" in rows and "Вброс на участке 0" not in rows


def test_center_and_days_are_admin_only(app, db, world):
    _, people, admin = world
    coordinator = client_for(app, people[0]["coordinator"])
    assert coordinator.get("/desk/center").status_code == 404 and coordinator.get("/desk/days").status_code == 404
    own_csv = coordinator.get("/desk/incidents.csv").get_data(as_text=True)
    assert "Вброс на участке 0" in own_csv and "Вброс на участке 1" not in own_csv
    center = client_for(app, admin)
    assert post(center, "/desk/days", date="2027-01-10", title="Выборы в маслихат").status_code == 302
    assert "10.01.2027" in center.get("/desk/days").get_data(as_text=True)
    assert "уже есть" in post(center, "/desk/days", date="2027-01-10").get_data(as_text=True)


def test_desk_writes_a_report_on_a_consultants_behalf(app, db, world):
    _, people, _ = world
    coordinator = client_for(app, people[0]["coordinator"])
    page = coordinator.get("/desk/report")
    fields = {"csrf_token": csrf_from(page), "station_id": people[0]["station"].id, "kind": "other",
              "consultant_id": people[0]["consultant"].id, "description": "Позвонил: нет света в зале", "urgent": "1"}
    assert coordinator.post("/desk/report", data=fields).status_code == 302
    row = db.session.scalar(select(Incident).filter_by(channel="desk"))
    assert row.created_by_id == people[0]["coordinator"].id and row.consultant_id == people[0]["consultant"].id
    assert row.urgent and row.events[0].channel == "desk"
    foreign = {**fields, "station_id": people[1]["station"].id}
    assert coordinator.post("/desk/report", data=foreign).status_code == 200  # not one of the choices
    assert db.session.scalar(select(Incident).filter_by(channel="desk", station_id=people[1]["station"].id)) is None


def test_board_marks_on_behalf_and_flags_no_contact(app, db, world):
    day, people, _ = world
    coordinator = client_for(app, people[0]["coordinator"])
    html = coordinator.get("/desk/stations").get_data(as_text=True)
    assert "№ 400" in html and "№ 401" not in html and "+7 701 000 00 00" in html and "Партия «Пример» — 1" in html
    checkin_id = db.session.scalar(select(CheckIn.id).filter_by(consultant_id=people[0]["consultant"].id))
    assert post(coordinator, f"/desk/checkins/{checkin_id}/stage", stage="opening").status_code == 302
    assert post(coordinator, f"/desk/checkins/{checkin_id}/no-contact", value="1").status_code == 302
    event = db.session.scalar(select(CheckInEvent).filter_by(action="opening"))
    assert event.channel == "desk" and event.actor_id == people[0]["coordinator"].id
    assert "нет связи" in coordinator.get("/desk/stations").get_data(as_text=True)
    foreign = db.session.scalar(select(CheckIn.id).filter_by(consultant_id=people[1]["consultant"].id))
    assert post(coordinator, f"/desk/checkins/{foreign}/stage", stage="opening").status_code == 404


def test_coordinator_revokes_a_lost_phone(app, db, world):
    _, people, _ = world
    coordinator = client_for(app, people[0]["coordinator"])
    assert post(coordinator, f"/desk/consultants/{people[0]['consultant'].id}/revoke-tokens").status_code == 302
    assert report(app.test_client(), people[0]["token"], people[0]["station"].id,
                  client_id="ffffffff-0000-4000-8000-000000000000").status_code == 401
    assert post(coordinator, f"/desk/consultants/{people[1]['consultant'].id}/revoke-tokens").status_code == 404


def test_waited_counts_until_taken(db, world):
    _, people, _ = world
    row = db.session.get(Incident, people[0]["incident"])
    row.received_at = utcnow() - timedelta(minutes=7)
    assert 419 <= desk.waited_seconds(row) <= 421
    row.first_taken_at = row.received_at + timedelta(minutes=2)
    assert desk.waited_seconds(row) == 120

"""Voting day for consultants: expected check-ins, stages, the device token and reports from the phone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from school.models import CheckIn, DeviceToken, Incident, IncidentEvent
from school.models._types import utcnow
from school.services import checkins, device_tokens, voting_day

from .conftest import csrf_from
from .voting_helpers import arrive, make_day, report, token_for


@pytest.fixture
def org(make):
    team = make.team()
    station = make.station(team, number=301)
    other_station = make.station(make.team(), number=302)
    consultant = make.user("consultant", team=team, station=station, name="Айгерим Абенова")
    return team, station, other_station, consultant


def test_almaty_is_utc_plus_5():
    """Since 1 March 2024; older time-zone data says +6 and would shift every voting-day time by an hour."""
    assert datetime(2027, 1, 10, 7, tzinfo=ZoneInfo("Asia/Almaty")).utcoffset() == timedelta(hours=5)


def test_day_creates_one_expected_checkin_per_consultant_and_station(db, make, org):
    team, station, _, consultant = org
    make.user("consultant", team=team)  # no station: nothing expected
    day = make_day(db)
    rows = db.session.scalars(select(CheckIn)).all()
    assert [(c.consultant_id, c.station_id) for c in rows] == [(consultant.id, station.id)]
    assert rows[0].arrived_at is None and not rows[0].no_contact
    moved = make.station(team, number=303)
    consultant.polling_station = moved
    db.session.commit()
    assert voting_day.sync_checkins(db.session, day) == 2 and voting_day.sync_checkins(db.session, day) == 2


def test_station_hours_default_and_count_end(db, org):
    _, station, _, _ = org
    day = make_day(db, datetime(2027, 1, 10).date())
    assert (station.opens_at, station.closes_at) == (time(7), time(20))
    assert voting_day.opening(day, station).isoformat() == "2027-01-10T07:00:00+05:00"
    station.closes_at = time(22)  # the territorial commission extended the hours
    assert voting_day.count_ends(day, [station]).isoformat() == "2027-01-11T10:00:00+05:00"


def test_consultant_marks_arrival_with_observers_then_stages(client, db, login_as, org):
    _, station, _, consultant = org
    day = make_day(db)
    login_as(consultant)
    page = client.get("/day")
    checkin = db.session.scalar(select(CheckIn))
    data = {"csrf_token": csrf_from(page), "org": ["Партия «Пример»", "НКО «Голос»", ""], "count": ["1", "2", ""]}
    assert client.post(f"/day/checkins/{checkin.id}/arrived", data=data).status_code == 302
    db.session.refresh(checkin)
    assert checkin.arrived_at and checkin.observers == {"Партия «Пример»": 1, "НКО «Голос»": 2}
    client.post(f"/day/checkins/{checkin.id}/opening", data={"csrf_token": csrf_from(page)})
    db.session.refresh(checkin)
    assert checkin.opening_at and checkin.count_at is None
    html = client.get("/day").get_data(as_text=True)
    assert "✓ прибыл" in html and "✓ открытие видел" in html and "НКО «Голос» — 2" in html
    bad = {"csrf_token": csrf_from(page), "org": ["Партия"], "count": ["много"]}
    client.post(f"/day/checkins/{checkin.id}/arrived", data=bad)
    assert "число наблюдателей от 0 до 99" in client.get("/day").get_data(as_text=True)
    events = db.session.scalars(select(func.count()).select_from(checkins.CheckInEvent)).one()
    assert events == 2 and day.id == checkin.voting_day_id


def test_another_consultants_checkin_is_404(client, db, login_as, make, org):
    make_day(db)
    checkin = db.session.scalar(select(CheckIn))
    login_as("consultant")
    page = client.get("/day")
    assert client.post(f"/day/checkins/{checkin.id}/arrived", data={"csrf_token": csrf_from(page)}).status_code == 404


def test_device_token_only_after_arrival(client, db, login_as, org):
    _, station, _, consultant = org
    make_day(db)
    login_as(consultant)
    headers = {"X-CSRFToken": csrf_from(client.get("/day"))}
    refused = client.post("/day/device-token", headers=headers)
    assert refused.status_code == 409 and "отметьте прибытие" in refused.get_json()["error"]
    day = voting_day.current_day(db.session)
    arrive(db, day, consultant)
    body = client.post("/day/device-token", headers=headers).get_json()
    assert body["stations"] == [{"id": station.id, "number": 301, "address": station.address}]
    row = db.session.scalar(select(DeviceToken))
    assert row.token_hash != body["token"] and len(body["token"]) >= 40
    assert row.expires_at == voting_day.count_ends(day, [station])
    assert client.post("/day/device-token").status_code == 400  # no CSRF token: refused


def test_report_is_created_once_whatever_the_resends(client, db, org):
    _, station, _, consultant = org
    day = make_day(db)
    token = token_for(db, day, consultant)
    first = report(client, token, station.id)
    assert first.status_code == 201 and first.get_json()["created"] and first.get_json()["status"] == "new"
    again = report(client, token, station.id, queued="1")
    assert again.status_code == 200 and again.get_json() == {**first.get_json(), "created": False}
    incident = db.session.scalar(select(Incident))
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
    assert incident.channel == "web" and incident.urgent  # «02-case» is urgent by default
    assert incident.consultant_id == consultant.id and incident.team_id == station.team_id
    assert [e.action for e in db.session.scalars(select(IncidentEvent))] == ["created"]
    queued = report(client, token, station.id, client_id="a1b2c3d4-0000-4000-8000-000000000002", queued="1",
                    urgent="0", kind="other", description="Очередь у входа")
    assert queued.status_code == 201
    row = db.session.get(Incident, queued.get_json()["id"])
    assert row.channel == "offline" and not row.urgent and row.kind == "other"


def test_report_written_at_14_sent_after_the_session_expired(client, db, login_as, org, app):
    _, station, _, consultant = org
    day = make_day(db)
    login_as(consultant)
    arrive(db, day, consultant)
    token = client.post("/day/device-token", headers={"X-CSRFToken": csrf_from(client.get("/day"))}).get_json()["token"]
    written = datetime.combine(day.date, time(14), tzinfo=ZoneInfo("Asia/Almaty"))
    with client.session_transaction() as session:
        session["seen_at"] = session["login_at"] = 0  # the session ran out long ago
    assert client.get("/day").status_code == 302  # the session is gone...
    response = report(client, token, station.id, written_at=written.isoformat())
    assert response.status_code == 201  # ...the token still sends
    incident = db.session.scalar(select(Incident))
    if written <= utcnow():
        assert incident.written_at == written


def test_token_refuses_other_stations_and_dies_when_revoked_or_expired(client, db, org, make):
    _, station, other_station, consultant = org
    day = make_day(db)
    token = token_for(db, day, consultant)
    foreign = report(client, token, other_station.id)
    assert foreign.status_code == 403 and "не ваш" in foreign.get_json()["error"]
    assert report(client, "forged", station.id).status_code == 401
    assert client.post("/api/reports", data={"station_id": station.id}).status_code == 401  # no token at all
    row = db.session.scalar(select(DeviceToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert report(client, token, station.id).status_code == 401
    fresh = token_for(db, day, consultant)
    device_tokens.revoke_all(db.session, consultant.id, consultant.id)
    db.session.commit()
    assert report(client, fresh, station.id).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0


def test_report_validation(client, db, org):
    _, station, _, consultant = org
    token = token_for(db, make_day(db), consultant)
    assert "Выберите" in report(client, token, station.id, kind="nope").get_json()["error"]
    assert report(client, token, station.id, kind="other", description="").status_code == 400
    assert report(client, token, station.id, description="x" * 2001).status_code == 400
    assert report(client, token, station.id, client_id="bad id!").status_code == 400
    future = report(client, token, station.id, written_at=(utcnow() + timedelta(days=1)).isoformat())
    assert future.status_code == 201
    assert db.session.scalar(select(Incident)).written_at <= utcnow()


def test_board_is_red_from_30_minutes_before_opening(db, make, org, monkeypatch):
    team, station, _, consultant = org
    empty = make.station(team, number=310)
    day = make_day(db, datetime(2027, 1, 10).date())
    empty.opens_at = time(8)  # moved by the territorial commission
    db.session.commit()
    monkeypatch.setattr(checkins, "utcnow", lambda: datetime(2027, 1, 10, 6, 25, tzinfo=ZoneInfo("Asia/Almaty")))
    assert {r.station.number: r.state for r in checkins.board(db.session, day, team_id=team.id)} == {
        301: "waiting", 310: "waiting"}
    monkeypatch.setattr(checkins, "utcnow", lambda: datetime(2027, 1, 10, 6, 30, tzinfo=ZoneInfo("Asia/Almaty")))
    states = {r.station.number: r.state for r in checkins.board(db.session, day, team_id=team.id)}
    assert states == {301: "missing", 310: "waiting"}
    arrive(db, day, consultant)
    rows = checkins.board(db.session, day, team_id=team.id)
    assert [(r.station.number, r.state) for r in rows] == [(310, "waiting"), (301, "present")]


def test_report_api_limits_token_guessing_per_address_and_floods_per_token(app, client, db, org, monkeypatch):
    """Without a session or CSRF, the API is limited on its own: wrong tokens per address, reports per token."""
    _, station, _, consultant = org
    monkeypatch.setitem(app.config, "REPORT_GUESS_LIMIT", "3 per minute")
    monkeypatch.setitem(app.config, "REPORT_TOKEN_LIMIT", "4 per minute")
    codes = [report(client, f"guess-{i}", station.id).status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]
    token = token_for(db, make_day(db), consultant)
    sent = [report(client, token, station.id, client_id=f"a1b2c3d4-0000-4000-8000-00000000010{i}",
                   environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code for i in range(5)]
    assert sent == [201, 201, 201, 201, 429]  # a real phone's queue of four goes through; a flood stops

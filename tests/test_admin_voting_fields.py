"""Voting-day fields the center edits: a person's phone and a station's hours (Art. 38)."""

from sqlalchemy import select

from school.models import PollingStation, User

from .conftest import csrf_from


def test_admin_sets_a_phone_and_station_hours(client, db, login_as, make):
    login_as("admin")
    team = make.team()
    station = make.station(team, number=777)
    person = make.user("consultant", team=team, station=station)
    page = client.get(f"/admin/users/{person.id}")
    data = {"csrf_token": csrf_from(page), "login": person.login, "full_name": person.full_name, "role": "consultant",
            "team_id": team.id, "polling_station_id": station.id, "active": "y", "phone": "+7 701 123 45 67"}
    assert client.post(f"/admin/users/{person.id}", data=data).status_code == 302
    assert db.session.scalar(select(User.phone).filter_by(id=person.id)) == "+7 701 123 45 67"
    bad = client.post(f"/admin/users/{person.id}", data={**data, "phone": "звонить вечером"})
    assert bad.status_code == 400 and "Цифры, пробелы" in bad.get_data(as_text=True)
    form = client.get(f"/admin/stations/{station.id}")
    assert 'value="07:00"' in form.get_data(as_text=True) and 'value="20:00"' in form.get_data(as_text=True)
    fields = {"csrf_token": csrf_from(form), "district_id": station.district_id, "number": 777,
              "address": "ул. Абая, 1", "team_id": team.id, "opens_at": "08:00", "closes_at": "22:00"}
    assert client.post(f"/admin/stations/{station.id}", data=fields).status_code == 302
    db.session.expire_all()
    saved = db.session.get(PollingStation, station.id)
    assert (saved.opens_at.hour, saved.closes_at.hour) == (8, 22)
    late = client.post(f"/admin/stations/{station.id}", data={**fields, "closes_at": "23:00"})
    assert late.status_code == 400 and "06:00–22:00" in late.get_data(as_text=True)

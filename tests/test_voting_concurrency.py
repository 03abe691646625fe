"""A report resent while the first copy is still being saved: threads against a scratch PostgreSQL database
(its own uuid-named database, dropped at the end) all get the same incident, and one row exists."""

import threading

import pytest
from sqlalchemy import func, select

from school.extensions import db
from school.models import District, Incident, IncidentEvent, PollingStation, Team, User
from school.services import device_tokens, voting_day

from .pg import scratch_pg_app
from .voting_helpers import arrive, report

THREADS = 8


@pytest.fixture(scope="module")
def pg_app():
    with scratch_pg_app("voting", THREADS + 4) as app:
        yield app


def test_the_same_report_sent_eight_times_at_once_is_stored_once(pg_app):
    with pg_app.app_context():
        team = Team(district=District(name="Район"), name="Б")
        station = PollingStation(district=team.district, team=team, number=1)
        user = User(login="c1", full_name="Консультант", role="consultant", team=team, polling_station=station,
                    password_hash="x")
        db.session.add_all([team, station, user])
        db.session.commit()
        day = voting_day.create_day(db.session, None, voting_day.today(), "Выборы")
        db.session.commit()
        arrive(db, day, user)
        token, _, _ = device_tokens.issue(db.session, user, day)
        db.session.commit()
        station_id = station.id
        db.session.remove()
    barrier, results = threading.Barrier(THREADS), [None] * THREADS

    def send(i):
        client = pg_app.test_client()
        barrier.wait()
        response = report(client, token, station_id, client_id="5e5e5e5e-0000-4000-8000-000000000000")
        results[i] = (response.status_code, response.get_json()["id"])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(code for code, _ in results) == [200] * (THREADS - 1) + [201]
    assert len({incident_id for _, incident_id in results}) == 1
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Incident)) == 1
        assert db.session.scalar(select(func.count()).select_from(IncidentEvent)) == 1
        db.session.remove()

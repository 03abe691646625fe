"""Protocols under concurrent use, on a scratch PostgreSQL database (its own uuid-named database, dropped at the
end): six desk operators sending the second entry at the same moment make one entry and one agreed version;
six photos uploaded at once to a copy that does not exist yet make one copy with pages 1–6."""

import io
import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from config import TestConfig
from school import create_app
from school.extensions import db
from school.models import (
    Contest,
    District,
    PollingStation,
    ProtocolCopy,
    ProtocolEntry,
    ProtocolPhoto,
    ProtocolVersion,
    Team,
    User,
)
from school.services import example_election, voting_day

from .conftest import PASSWORD, PASSWORD_HASH, csrf_from
from .tally_helpers import CLEAN, form_of, protocol_jpeg, seed

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
THREADS = 6


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    name = f"tally_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    config = type("PgConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 4},
        "PROTOCOL_PHOTO_DIR": str(tmp_path_factory.mktemp("protocols"))})
    app = create_app(config)
    with app.app_context():
        db.create_all()
        team = Team(district=District(name="Район"), name="Б")
        db.session.add_all([team, PollingStation(district=team.district, team=team, number=1),
                            PollingStation(district=team.district, team=team, number=2)])
        db.session.add_all([User(login=f"desk{n}", full_name=f"Оператор {n}", role="admin",
                                 password_hash=PASSWORD_HASH) for n in range(THREADS + 1)])
        example_election.create(db.session, None, voting_day.today())
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _client(app, login):
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    assert client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client, csrf_from(client.get("/account/password"))


def _race(app, act):
    clients = [_client(app, f"desk{n + 1}") for n in range(THREADS)]
    barrier, results = threading.Barrier(THREADS), [None] * THREADS

    def run(i):
        barrier.wait()
        results[i] = act(*clients[i]).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_six_second_entries_at_once_make_one(pg_app):
    with pg_app.app_context():
        station = db.session.scalar(select(PollingStation).filter_by(number=1))
        contest = db.session.scalar(select(Contest).filter_by(code="mazhilis"))
        seed(db, station, contest, CLEAN, db.session.scalar(select(User).filter_by(login="desk0")))
        url = f"/tally/stations/{station.id}/contests/{contest.id}/enter/2"
        db.session.remove()
    results = _race(pg_app, lambda client, token: client.post(url, data={"csrf_token": token, **form_of(CLEAN)}))
    assert sorted(results) == [200] * (THREADS - 1) + [302]  # one saved; the others are told it is done
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProtocolEntry).filter_by(round=2)) == 1
        assert db.session.scalar(select(func.count()).select_from(ProtocolVersion)) == 1
        assert db.session.scalar(select(ProtocolCopy.state)) == "reconciled"
        db.session.remove()


def test_six_uploads_at_once_make_one_copy_with_numbered_pages(pg_app):
    with pg_app.app_context():
        station = db.session.scalar(select(PollingStation).filter_by(number=2))
        contest = db.session.scalar(select(Contest).filter_by(code="maslikhat"))
        url = f"/tally/stations/{station.id}/contests/{contest.id}/photos"
        db.session.remove()
    photo = protocol_jpeg((300, 420))

    def upload(client, token):
        boundary, body = encode_multipart(MultiDict([("csrf_token", token), ("photos", FileStorage(
            io.BytesIO(photo), filename="p.jpg", content_type="image/jpeg"))]))
        return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert _race(pg_app, upload) == [302] * THREADS
    with pg_app.app_context():
        copies = db.session.scalars(select(ProtocolCopy).filter_by(contest_id=contest.id)).all()
        assert len(copies) == 1
        pages = db.session.scalars(select(ProtocolPhoto.page).filter_by(copy_id=copies[0].id)).all()
        assert sorted(pages) == list(range(1, THREADS + 1))
        db.session.remove()

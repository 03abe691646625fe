"""Fixtures: app, client, runner, db, factories and login_as. DATABASE_URL picks the engine."""

import pytest
from argon2 import PasswordHasher
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import event

from config import TestConfig
from school import create_app
from school.extensions import db as _db
from school.extensions import limiter
from school.models import District, PollingStation, Team, User
from school.services import accounts
from school.services.accounts import hash_password
from school.services.content import load_content, read_content

# argon2 is slow on purpose; tests use cheap parameters (same algorithm, argon2id) to stay fast.
accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
accounts._DUMMY = accounts._hasher.hash("not-a-real-password")
PASSWORD = "correct-horse-battery"
PASSWORD_HASH = hash_password(PASSWORD)


class IsolatedClient(FlaskClient):
    """Tests hold an app context open, which Flask reuses for requests; clear `g` so no request
    sees another's cached user or CSRF token, as in production where each request has its own."""

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """A clean database with the sample content loaded, for each test."""
    with app.app_context():
        wipe_rows()
        load_content(_db.session, read_content(app.config["COURSES_DIR"], app.config["QUIZZES_DIR"]))
        limiter.reset()
        yield _db
        _db.session.remove()


def wipe_rows():
    """Delete every row, children first; the schema stays."""
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


class Factory:
    """Small builders for the organisation: a district, teams, stations and people."""

    def __init__(self, session):
        self.session = session
        self.n = 0

    def district(self, name="Тестовый район"):
        d = District(name=name)
        self.session.add(d)
        self.session.flush()
        return d

    def team(self, district=None, name=None):
        self.n += 1
        t = Team(district=district or self.district(f"Район {self.n}"), name=name or f"Бригада {self.n}")
        self.session.add(t)
        self.session.flush()
        return t

    def station(self, team, number=None):
        self.n += 1
        s = PollingStation(district_id=team.district_id, team=team, number=number or 100 + self.n,
                           address="ул. Абая, 1")
        self.session.add(s)
        self.session.flush()
        return s

    def user(self, role="consultant", team=None, station=None, login=None, name=None):
        self.n += 1
        u = User(login=login or f"{role}{self.n}", full_name=name or f"Тестов {role} {self.n}", role=role,
                 team=team, polling_station=station, password_hash=PASSWORD_HASH)
        self.session.add(u)
        self.session.commit()
        return u


@pytest.fixture
def make(db):
    return Factory(db.session)


@pytest.fixture
def login_as(client, make):
    """Log the test client in as a new user of the given role (or as a given user)."""
    def login(role_or_user="consultant", **kwargs):
        user = role_or_user if isinstance(role_or_user, User) else make.user(role_or_user, **kwargs)
        page = client.get("/login")
        token = csrf_from(page)
        response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user
    return login


def csrf_from(response) -> str:
    """The CSRF token from a rendered page."""
    html = response.get_data(as_text=True)
    marker = 'name="csrf_token" type="hidden" value="'
    if marker not in html:
        marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def tab_from(response) -> str:
    """The tab token of a rendered attempt page: only the newest page load of an attempt may save."""
    html = response.get_data(as_text=True)
    marker = 'name="tab" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements run inside it."""
    class Counter:
        def __init__(self):
            self.count = 0

        def __enter__(self):
            event.listen(_db.engine, "before_cursor_execute", self._hit)
            return self

        def __exit__(self, *exc):
            event.remove(_db.engine, "before_cursor_execute", self._hit)

        def _hit(self, *args):
            self.count += 1
    return Counter

"""Login limits that stop attackers, not classrooms: failures only, per account and (higher) per
address, namespaced buckets; the proxy's forwarded address when trusted; Redis down falls back;
sessions are revoked on the server, not bound to an address."""

import logging
import os
from contextlib import contextmanager

import pytest

from config import TestConfig
from school import create_app
from school.extensions import db as _db
from school.extensions import limiter

from .conftest import PASSWORD, Factory, IsolatedClient, csrf_from


def _login(client, login, password, ip="10.0.0.1", headers=None):
    environ = {"REMOTE_ADDR": ip}
    token = csrf_from(client.get("/login", environ_base=environ, headers=headers))
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                       environ_base=environ, headers=headers)


@pytest.fixture
def instance(db, tmp_path):
    """instance(Config) -> (app, Factory), on a database this test process shares (PostgreSQL when
    DATABASE_URL is set, else an SQLite file), inside that app's context."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"

    @contextmanager
    def start(config):
        # Flask-Limiter keeps its storage on the one extension object: give it back afterwards.
        saved = dict(limiter.__dict__)
        app = create_app(type(config.__name__, (config,), {"SQLALCHEMY_DATABASE_URI": url}))
        app.test_client_class = IsolatedClient
        with app.app_context():
            _db.create_all()
            yield app, Factory(_db.session)
            _db.session.remove()
            _db.engine.dispose()
        limiter.__dict__.clear()
        limiter.__dict__.update(saved)
    return start


def _fresh(app):
    """A new client: a new browser, with no session."""
    return app.test_client()


def test_a_classroom_on_one_address_logs_in_without_limit(app, make):
    users = [make.user() for _ in range(15)]
    codes = [_login(_fresh(app), u.login, PASSWORD, "192.168.1.10").status_code for u in users]
    assert codes == [302] * 15


def test_failures_on_one_account_are_limited_whatever_the_address(client, make):
    user = make.user()
    codes = [_login(client, user.login, "wrong-password", f"10.0.0.{i}").status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


def test_a_successful_login_costs_nothing(app, make):
    user = make.user()
    for _ in range(12):
        assert _login(_fresh(app), user.login, PASSWORD).status_code == 302


def test_failures_from_one_address_have_a_much_higher_ceiling(app, client, make):
    ceiling = int(app.config["LOGIN_ADDRESS_LIMIT"].split()[0])
    assert ceiling >= 40
    users = [make.user() for _ in range(ceiling + 1)]
    codes = [_login(client, u.login, "wrong-password", "10.1.1.1").status_code for u in users]
    assert codes[:ceiling] == [401] * ceiling and codes[ceiling] == 429
    assert _login(client, users[0].login, "wrong-password", "10.1.1.2").status_code == 401


def test_a_login_that_looks_like_an_address_has_its_own_bucket(app, client, make):
    target = make.user(login="10.7.7.7")
    for i in range(10):
        _login(client, target.login, "wrong-password", f"10.8.0.{i}")
    bystander = make.user()
    assert _login(_fresh(app), bystander.login, PASSWORD, "10.7.7.7").status_code == 302


# --- behind a proxy ---------------------------------------------------------------------------

class TightConfig(TestConfig):
    LOGIN_ADDRESS_LIMIT = "2 per minute"


class TrustedProxyConfig(TightConfig):
    TRUSTED_PROXIES = 1


@pytest.mark.parametrize("config,third", [(TightConfig, 429), (TrustedProxyConfig, 401)])
def test_forwarded_address_counts_only_when_the_proxy_is_trusted(instance, config, third):
    """Two failures from one client behind the proxy; a third from another client: it shares the
    proxy's bucket unless TRUSTED_PROXIES says to read X-Forwarded-For. A forged header is ignored."""
    with instance(config) as (app, make):
        users = [make.user() for _ in range(3)]

        def via_proxy(user, client_ip, forged=None):
            chain = f"{forged}, {client_ip}" if forged else client_ip
            return _login(app.test_client(), user.login, "wrong", "127.0.0.1", {"X-Forwarded-For": chain})
        assert [via_proxy(users[0], "203.0.113.5").status_code, via_proxy(users[1], "203.0.113.5").status_code] \
            == [401, 401]
        assert via_proxy(users[2], "203.0.113.5", forged="198.51.100.1").status_code == 429  # forging is no escape
        assert via_proxy(users[2], "198.51.100.7").status_code == third


# --- Redis down -------------------------------------------------------------------------------

class DeadRedisConfig(TestConfig):
    REDIS_URL = "redis://127.0.0.1:6399/0"  # nothing listens here
    RATELIMIT_STORAGE_URI = REDIS_URL


def test_with_redis_down_logins_work_on_per_process_limits_and_health_says_503(instance, caplog):
    with caplog.at_level(logging.WARNING), instance(DeadRedisConfig) as (dead, make):
        user = make.user()
        assert _login(dead.test_client(), user.login, PASSWORD).status_code == 302
        codes = [_login(dead.test_client(), user.login, "wrong", "10.3.3.3").status_code for _ in range(11)]
        assert codes[:10] == [401] * 10 and codes[10] == 429  # still limited, in this process
        assert dead.test_client().get("/healthz").status_code == 503
    assert any("falling back" in r.getMessage().lower() or "in-memory" in r.getMessage().lower()
               for r in caplog.records), [r.getMessage() for r in caplog.records]


# --- sessions ---------------------------------------------------------------------------------

def test_a_copied_session_is_not_bound_to_an_address_but_revocation_ends_it(app, db, make):
    """Phones change networks all day: a session is not tied to an address or a browser; the
    server ends it (logout, password change, deactivation) by bumping the user's session version."""
    user = make.user()
    phone = _fresh(app)
    assert _login(phone, user.login, PASSWORD, "10.0.0.5", {"User-Agent": "phone"}).status_code == 302
    cookie = phone.get_cookie("session")
    other = _fresh(app)
    other.set_cookie("session", cookie.value)
    moved = other.get("/dashboard", environ_base={"REMOTE_ADDR": "172.16.0.9"}, headers={"User-Agent": "laptop"})
    assert moved.status_code == 200
    user.session_version += 1  # what logout, a password change or deactivation do
    db.session.commit()
    for client in (phone, other):
        refused = client.get("/dashboard", environ_base={"REMOTE_ADDR": "10.0.0.5"})
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_session_protection_mode_is_off_and_login_rotates_the_session(app, make):
    from school.extensions import login_manager
    assert login_manager.session_protection is None
    user = make.user()
    client = _fresh(app)
    client.get("/login")
    before = client.get_cookie("session")
    _login(client, user.login, PASSWORD)
    after = client.get_cookie("session")
    assert before is None or before.value != after.value


@pytest.mark.parametrize("name", ["LOGIN_ACCOUNT_LIMIT", "LOGIN_ADDRESS_LIMIT", "TRUSTED_PROXIES"])
def test_settings_exist(app, name):
    assert name in app.config

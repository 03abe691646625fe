"""Production settings: refuses unsafe config; Redis shared limits; health of Redis; request ids in logs."""

import json
import logging
import os
from contextlib import contextmanager

import pytest

from config import ProductionConfig, TestConfig
from school import create_app
from school.extensions import db as _db
from school.models import User

from .conftest import PASSWORD, PASSWORD_HASH, csrf_from


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-only-not-secret")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app(ProductionConfig)


class RedisConfig(TestConfig):
    REDIS_URL = "redis://127.0.0.1:6379/15"
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/15"


@pytest.fixture
def two_instances(db, tmp_path):
    """Two app instances on one database (PostgreSQL when DATABASE_URL is set, else a shared SQLite file)."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.db'}"
    config = type("SharedConfig", (RedisConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    first, second = create_app(config), create_app(config)
    with first.app_context():
        _db.create_all()
        user = User(login="shared.user", full_name="Общий", role="consultant", password_hash=PASSWORD_HASH)
        _db.session.add(user)
        _db.session.commit()
        _db.session.remove()
    yield first, second
    for instance in (first, second):
        with instance.app_context():
            _db.engine.dispose()


def test_two_instances_share_login_limits_through_redis(two_instances):
    """Two app instances (as two gunicorn workers or hosts) count one login's failures together."""
    import redis
    redis.Redis.from_url(RedisConfig.REDIS_URL).flushdb()
    first, second = two_instances
    user = type("U", (), {"login": "shared.user"})
    codes = []
    for i in range(11):
        instance = (first, second)[i % 2]
        client = instance.test_client()
        token = csrf_from(client.get("/login"))
        codes.append(client.post("/login", data={"login": user.login, "password": "wrong-password-x",
                                                 "csrf_token": token}).status_code)
    assert codes[:10] == [401] * 10 and codes[10] == 429
    redis.Redis.from_url(RedisConfig.REDIS_URL).flushdb()
    client = first.test_client()
    token = csrf_from(client.get("/login"))
    ok = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


@contextmanager
def instance(config):
    app = create_app(config)
    try:
        yield app
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_healthz_checks_redis_when_configured(db):
    with instance(RedisConfig) as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.json["checks"] == {"database": "ok", "redis": "ok"}

    class BadRedis(RedisConfig):
        REDIS_URL = "redis://127.0.0.1:1/0"
    with instance(BadRedis) as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["checks"]["redis"] == "error"


def test_request_log_has_request_id_and_no_personal_data(client, make, caplog):
    user = make.user(name="Секретная Фамилия")
    logger = logging.getLogger("school.request")
    logger.propagate = True
    try:
        with caplog.at_level(logging.INFO, logger="school.request"):
            token = csrf_from(client.get("/login"))
            response = client.post("/login?next=/memos", data={"login": user.login, "password": PASSWORD,
                                                                "csrf_token": token},
                                   headers={"X-Request-ID": "req-12345678"})
    finally:
        logger.propagate = False
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "school.request"]
    assert response.headers["X-Request-ID"] == "req-12345678"
    expected = {"request_id": "req-12345678", "method": "POST", "path": "/login", "status": 302}
    assert expected.items() <= lines[-1].items()
    text = caplog.text
    assert user.login not in text and PASSWORD not in text and "Секретная" not in text and "next=" not in text


def test_engine_is_chosen_by_database_url(db):
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgresql") else "sqlite"
    assert _db.engine.url.get_backend_name() == expected

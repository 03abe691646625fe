"""A scratch PostgreSQL database of a test module's own, for tests that race real threads."""

import uuid
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from config import TestConfig
from school import create_app
from school.extensions import db
from school.services.content import load_content, read_content

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_pg_app(prefix: str, pool_size: int, **settings):
    """An app on a new database (schema and the test content loaded), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    config = type("PgConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": pool_size}, **settings})
    app = create_app(config)
    try:
        with app.app_context():
            db.create_all()
            load_content(db.session, read_content(app.config["COURSES_DIR"], app.config["QUIZZES_DIR"]))
            db.session.remove()
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

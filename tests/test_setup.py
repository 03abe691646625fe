"""`make run`'s setup on a fresh database: migrations, content, demo data; a second run keeps everything."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

ROOT = Path(__file__).parent.parent


def _flask(db_url, *args):
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin", "SCHOOL_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "school", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def fresh_sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'school.db'}"


def test_setup_creates_demo_once_and_keeps_data(fresh_sqlite):
    first = _flask(fresh_sqlite, "setup")
    assert first.returncode == 0, first.stderr
    assert "admin" in first.stdout and "coordinator1" in first.stdout
    engine = create_engine(fresh_sqlite)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()  # noqa: S608 (fixed names)
                  for t in ("districts", "polling_stations", "teams", "users", "modules", "questions")}
        conn.execute(text("UPDATE users SET full_name = 'Изменено' WHERE login = 'consultant1-1'"))
        conn.commit()
    assert counts["districts"] == 1 and counts["polling_stations"] == 100 and counts["teams"] == 15
    assert counts["users"] == 1 + 15 * 8 + 2 and counts["modules"] == 2 and counts["questions"] >= 120  # 2 trainers
    with engine.connect() as conn:  # demo seminars: some past ones with attendance, a full one with a waiting list
        seminars = conn.execute(text("SELECT count(*) FROM seminar_sessions")).scalar()
        marked = conn.execute(text("SELECT count(*) FROM seminar_bookings WHERE attendance IS NOT NULL")).scalar()
        waiting = conn.execute(text("SELECT count(*) FROM seminar_bookings WHERE status = 'waiting'")).scalar()
    assert seminars >= 5 and marked >= 20 and waiting >= 1
    second = _flask(fresh_sqlite, "setup")
    assert second.returncode == 0 and "Данные уже есть" in second.stdout
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == counts["users"]
        assert conn.execute(text("SELECT full_name FROM users WHERE login = 'consultant1-1'")).scalar() == "Изменено"


def test_migrations_match_the_models(app, fresh_sqlite):
    """Upgrading an empty database to head gives the same tables and columns as the models."""
    result = _flask(fresh_sqlite, "init-db")
    assert result.returncode == 0, result.stderr
    from school.extensions import db
    migrated = inspect(create_engine(fresh_sqlite))
    for table in db.metadata.sorted_tables:
        columns = {c["name"] for c in migrated.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_migrations_on_postgresql_from_empty_to_head(app):
    """The same migrations on a scratch PostgreSQL database (the production engine)."""
    import uuid

    from school.extensions import db
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        result = _flask(url, "init-db")
        assert result.returncode == 0, result.stderr
        engine = create_engine(url)
        migrated = inspect(engine)
        for table in db.metadata.sorted_tables:
            assert {c["name"] for c in migrated.get_columns(table.name)} == {c.name for c in table.columns}
        indexes = {i["name"] for i in migrated.get_indexes("attempts")}
        assert "uq_attempt_open" in indexes
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

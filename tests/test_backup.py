"""Backup and restore: SQLite and PostgreSQL round trips under concurrent writes, and refusing non-backups."""

import hashlib
import os
import re
import secrets
import threading
import time

import pytest
from sqlalchemy import create_engine, event, func, insert, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import school.models  # noqa: F401 (registers every table on the metadata)
from school.extensions import db
from school.services.backup import BackupError, backup, restore

DISTRICTS = db.metadata.tables["districts"]
TEAMS = db.metadata.tables["teams"]
SEED_ROWS = 2000
WRITES = 200


def _sqlite_engine(path):
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return engine


def _make_schema(engine, seed=SEED_ROWS, prefix="seed"):
    """The app's tables, a migration version, and `seed` districts each with one team."""
    db.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('21773d198be2')"))
        if seed:
            conn.execute(insert(DISTRICTS), [{"name": f"{prefix}-{i}"} for i in range(seed)])
            teams = select(DISTRICTS.c.id, literal("Бригада ") + DISTRICTS.c.name)
            conn.execute(insert(TEAMS).from_select(["district_id", "name"],
                                                   teams.where(DISTRICTS.c.name.like(f"{prefix}-%"))))


def _add_pair(conn, name):
    district_id = conn.execute(insert(DISTRICTS).values(name=name).returning(DISTRICTS.c.id)).scalar_one()
    conn.execute(insert(TEAMS).values(district_id=district_id, name=f"Бригада {name}"))


def _counts(engine):
    with engine.connect() as conn:
        return (conn.scalar(select(func.count()).select_from(DISTRICTS)),
                conn.scalar(select(func.count()).select_from(TEAMS)))


class Writer(threading.Thread):
    """Keeps inserting a district and its team, one transaction each, into the source database."""

    def __init__(self, engine):
        super().__init__(daemon=True)
        self.engine = engine
        self.started_writing = threading.Event()
        self.done = 0
        self.error = None

    def run(self):
        try:
            for i in range(WRITES):
                with self.engine.begin() as conn:
                    _add_pair(conn, f"live-{i}")
                self.done += 1
                if self.done == 10:
                    self.started_writing.set()
                time.sleep(0.003)
        except Exception as exc:  # reported by the test, not lost in the thread
            self.error = exc
            self.started_writing.set()


def _backup_under_writes(engine, url, dest):
    """Back up while a writer thread keeps committing; return (file, count before, count after)."""
    writer = Writer(engine)
    writer.start()
    assert writer.started_writing.wait(30)
    before, _ = _counts(engine)
    path = backup(url, dest)
    still_writing = writer.is_alive()
    writer.join(60)
    assert writer.error is None, writer.error
    assert not writer.is_alive() and writer.done == WRITES
    assert still_writing, "the writer finished before the backup did: nothing was concurrent"
    after, _ = _counts(engine)
    assert after == SEED_ROWS + WRITES
    return path, before, after


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- SQLite -------------------------------------------------------------------------------------------


def test_sqlite_round_trip_under_concurrent_writes(tmp_path):
    source_path = tmp_path / "school.db"
    source = _sqlite_engine(source_path)
    _make_schema(source)
    backups = tmp_path / "backups"
    backups.mkdir()
    try:
        path, before, after = _backup_under_writes(source, f"sqlite:///{source_path}", backups)
    finally:
        source.dispose()

    assert path.parent == backups and re.fullmatch(r"school-\d{8}-\d{6}\.sqlite3", path.name)
    assert sorted(p.name for p in backups.iterdir()) == [path.name], "one self-contained file, no -wal or .part"
    assert path.read_bytes()[18] == 1, "the backup is in rollback-journal mode, not WAL"
    assert path.stat().st_mode & 0o777 == 0o600

    restored_path = tmp_path / "restored.db"
    restore(f"sqlite:///{restored_path}", path)
    restored = _sqlite_engine(restored_path)
    try:
        with restored.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "21773d198be2"
        districts, teams = _counts(restored)
    finally:
        restored.dispose()
    assert before <= districts <= after
    assert teams == districts, "each district and its team were committed together: a snapshot has both or neither"


def test_sqlite_restore_replaces_an_existing_database(tmp_path):
    source_path, target_path = tmp_path / "source.db", tmp_path / "target.db"
    source, target = _sqlite_engine(source_path), _sqlite_engine(target_path)
    try:
        _make_schema(source, seed=3, prefix="source")
        _make_schema(target, seed=7, prefix="target")
        path = backup(f"sqlite:///{source_path}", tmp_path / "copy.sqlite3")
        with target.connect() as conn:  # the target is open in WAL mode, as with a (stopped) app's file
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        restore(f"sqlite:///{target_path}", path)
        with target.connect() as conn:
            names = conn.scalars(select(DISTRICTS.c.name).order_by(DISTRICTS.c.name)).all()
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert names == ["source-0", "source-1", "source-2"]
    finally:
        source.dispose()
        target.dispose()


def test_sqlite_backup_refuses_to_overwrite_or_invent(tmp_path):
    source_path = tmp_path / "school.db"
    source = _sqlite_engine(source_path)
    _make_schema(source, seed=1)
    source.dispose()
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="уже существует"):
        backup(f"sqlite:///{source_path}", existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="нет файла базы данных"):
        backup(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path)
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(BackupError, match="в памяти"):
        backup("sqlite://", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.sqlite3", "school.db"]


@pytest.mark.parametrize("kind", ["text", "empty", "sqlite-without-version"])
def test_sqlite_restore_of_a_non_backup_fails_and_leaves_target_unchanged(tmp_path, kind):
    target_path = tmp_path / "target.db"
    target = _sqlite_engine(target_path)
    _make_schema(target, seed=5, prefix="target")
    target.dispose()
    bogus = tmp_path / "bogus.sqlite3"
    if kind == "text":
        bogus.write_text("это не резервная копия\n" * 100, encoding="utf-8")
    elif kind == "empty":
        bogus.touch()
    else:
        other = create_engine(f"sqlite:///{bogus}")
        db.metadata.create_all(other)
        other.dispose()
    digest = _digest(target_path)

    with pytest.raises(BackupError, match="не резервная копия") as caught:
        restore(f"sqlite:///{target_path}", bogus)

    assert str(bogus) in str(caught.value)
    assert _digest(target_path) == digest
    target = _sqlite_engine(target_path)
    try:
        assert _counts(target) == (5, 5)
    finally:
        target.dispose()


def test_restore_of_a_missing_file_fails(tmp_path):
    with pytest.raises(BackupError, match="нет файла резервной копии"):
        restore(f"sqlite:///{tmp_path / 'target.db'}", tmp_path / "nothing.sqlite3")
    assert not (tmp_path / "target.db").exists()


# --- PostgreSQL ---------------------------------------------------------------------------------------


def _pg_server_url():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        return make_url(url).set(drivername="postgresql+psycopg", database="postgres")
    return make_url("postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="module")
def pg_admin():
    """An AUTOCOMMIT engine on the server's `postgres` database; skips only if no server answers."""
    engine = create_engine(_pg_server_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        pytest.skip(f"PostgreSQL is unreachable: {exc.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def scratch(pg_admin):
    """Make scratch databases on demand; every one is dropped at the end, even on failure."""
    made, engines = [], []

    def make_database(role):
        name = f"backup_{role}_{secrets.token_hex(4)}"
        with pg_admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        url = pg_admin.url.set(database=name)
        engine = create_engine(url)
        engines.append(engine)
        return url.render_as_string(hide_password=False), engine

    yield make_database
    for engine in engines:
        engine.dispose()
    with pg_admin.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_postgresql_round_trip_under_concurrent_writes(scratch, tmp_path):
    src_url, source = scratch("src")
    dst_url, target = scratch("dst")
    _make_schema(source)
    _make_schema(target, seed=4, prefix="old")  # restore must replace what is there, not add to it

    path, before, after = _backup_under_writes(source, src_url, tmp_path)

    assert re.fullmatch(r"school-\d{8}-\d{6}\.dump", path.name)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert path.stat().st_mode & 0o777 == 0o600
    restore(dst_url, path)
    districts, teams = _counts(target)
    assert before <= districts <= after
    assert teams == districts
    with target.connect() as conn:
        assert conn.scalar(select(func.count()).where(DISTRICTS.c.name.like("old-%"))) == 0
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "21773d198be2"
        orphans = conn.scalar(select(func.count()).select_from(
            TEAMS.outerjoin(DISTRICTS, TEAMS.c.district_id == DISTRICTS.c.id)).where(DISTRICTS.c.id.is_(None)))
        assert orphans == 0
        # Constraints came back too: a team of a missing district is refused.
        with pytest.raises(Exception, match="foreign key"):
            conn.execute(insert(TEAMS).values(district_id=10**9, name="x"))
        conn.rollback()
        conn.execute(insert(DISTRICTS).values(name="after-restore"))  # sequences continue past restored ids
        conn.commit()


def test_postgresql_restore_of_a_non_backup_fails_and_leaves_target_unchanged(scratch, tmp_path):
    dst_url, target = scratch("dst")
    _make_schema(target, seed=6, prefix="target")
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"PGDMP but not really" + bytes(range(256)) * 8)
    sqlite_copy = tmp_path / "copy.sqlite3"
    sqlite_source = _sqlite_engine(tmp_path / "source.db")
    _make_schema(sqlite_source, seed=1)
    sqlite_source.dispose()
    backup(f"sqlite:///{tmp_path / 'source.db'}", sqlite_copy)

    for bogus in (garbage, sqlite_copy):
        with pytest.raises(BackupError, match="не резервная копия PostgreSQL") as caught:
            restore(dst_url, bogus)
        assert str(bogus) in str(caught.value)
    assert _counts(target) == (6, 6)


def test_postgresql_backup_tool_failure_is_reported(pg_admin, tmp_path):
    missing = pg_admin.url.set(database=f"backup_missing_{secrets.token_hex(4)}")
    with pytest.raises(BackupError, match=r"резервная копия PostgreSQL не создана: pg_dump завершился с ошибкой"):
        backup(missing.render_as_string(hide_password=False), tmp_path)
    assert list(tmp_path.iterdir()) == [], "no partial file is left behind"

"""Backup and restore of the whole database: SQLite through its online backup API, PostgreSQL through
pg_dump/pg_restore. Plain functions; the CLI turns BackupError into a message and exit code 1.

subprocess runs only pg_dump and pg_restore, by absolute path, with an argument list and no shell
(hence the nosec marks below)."""

import os
import shutil
import sqlite3
import subprocess  # nosec B404
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".dump"
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class BackupError(Exception):
    """A backup or restore that could not be done; the message (in Russian) says why."""


def backup(database_url: str | URL, dest: Path) -> Path:
    """Back up the database to `dest` and return the file written.

    `dest` is a file path, or an existing directory in which a file named
    `school-YYYYmmdd-HHMMSS.sqlite3` (SQLite) or `.dump` (PostgreSQL, custom format) is created, the
    timestamp in UTC. An existing file is never overwritten. Safe while the app keeps writing: SQLite
    copies one consistent snapshot (WAL readers do not block the writer), pg_dump does the same.
    """
    url = make_url(database_url)
    kind = _kind(url)
    dest = Path(dest)
    if dest.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        dest = dest / f"school-{stamp}{SQLITE_SUFFIX if kind == 'sqlite' else PG_SUFFIX}"
    if dest.exists():
        raise BackupError(f"файл {dest} уже существует; резервная копия не перезаписывает файлы")
    if not dest.parent.is_dir():
        raise BackupError(f"нет каталога {dest.parent}")
    partial = dest.with_name(dest.name + ".part")
    _create_private(partial)
    try:
        if kind == "sqlite":
            _sqlite_backup(_sqlite_path(url, must_exist=True), partial)
        else:
            _pg_dump(url, partial)
        if dest.exists():
            raise BackupError(f"файл {dest} появился во время копирования; копия оставлена в {partial}")
        partial.replace(dest)
    except BaseException:
        if partial.exists() and not dest.exists():
            partial.unlink()
        raise
    return dest


def restore(database_url: str | URL, src: Path) -> None:
    """Replace the database's contents with the backup in `src`, after checking that `src` is one.

    SQLite: the file is copied in with the backup API in one transaction, so the target may exist (its
    contents are replaced) or not (it is created); stop the app first. PostgreSQL: pg_restore --clean
    --if-exists --no-owner --single-transaction, so a failure changes nothing. A file that is not a
    backup of this application raises BackupError and leaves the database untouched.
    """
    url = make_url(database_url)
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"нет файла резервной копии {src}")
    if _kind(url) == "sqlite":
        target = _sqlite_path(url, must_exist=False)
        if target.exists() and src.resolve() == target.resolve():
            raise BackupError("файл резервной копии и восстанавливаемая база — один и тот же файл")
        _sqlite_check_backup(src)
        _sqlite_restore(src, target)
    else:
        _pg_check_backup(src)
        _pg_restore(url, src)


# --- common -------------------------------------------------------------------------------------------


def _kind(url: URL) -> str:
    backend = url.get_backend_name()
    if backend == "sqlite":
        return "sqlite"
    if backend in ("postgresql", "postgres"):
        return "postgresql"
    raise BackupError(f"резервное копирование не поддерживается для базы типа «{backend}»")


def _create_private(path: Path) -> None:
    """Create an empty file readable only by its owner: backups hold password hashes."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BackupError(f"файл {path} уже существует (идёт другое копирование?); удалите его, если нет") from None
    except OSError as exc:
        raise BackupError(f"не удалось создать файл {path}: {exc.strerror}") from exc


# --- SQLite -------------------------------------------------------------------------------------------


def _sqlite_path(url: URL, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("база SQLite в памяти или в виде file:-URI не копируется; укажите путь к файлу базы")
    path = Path(url.database)
    if must_exist and not path.is_file():
        raise BackupError(f"нет файла базы данных {path}")
    return path


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn


def _sqlite_backup(source: Path, dest: Path) -> None:
    try:
        src = _connect(source, read_only=True)
        try:
            dst = _connect(dest)
            try:
                src.backup(dst)  # all pages in one step: one consistent snapshot of the source
                # The copy inherits WAL mode from the source's header; a backup is one self-contained file.
                dst.execute("PRAGMA journal_mode=DELETE")
                _check_sqlite_db(dst, str(source))
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"не удалось скопировать базу SQLite {source}: {exc}") from exc


def _check_sqlite_db(conn: sqlite3.Connection, name: str) -> None:
    """Raise unless `conn` is an intact database of this application (it has a migration version)."""
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        details = "; ".join(str(row[0]) for row in result[:5])
        raise BackupError(f"{name}: база SQLite повреждена ({details})")
    has_version = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not has_version or conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] != 1:
        raise BackupError(f"{name}: это не база Observer School (нет версии схемы в alembic_version; "
                          "создайте схему командой init-db)")


def _sqlite_check_backup(src: Path) -> None:
    with src.open("rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{src} — не резервная копия: это не файл базы SQLite")
    try:
        conn = _connect(src, read_only=True)
        try:
            _check_sqlite_db(conn, f"{src} — не резервная копия")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{src} — не резервная копия: не читается как база SQLite ({exc})") from exc


def _sqlite_restore(src: Path, target: Path) -> None:
    if not target.parent.is_dir():
        raise BackupError(f"нет каталога {target.parent}")
    try:
        source = _connect(src, read_only=True)
        try:
            dst = _connect(target)
            try:
                source.backup(dst)  # one write transaction on the target: all or nothing
            finally:
                dst.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"не удалось восстановить базу SQLite {target}: {exc} "
                          "(остановите приложение и повторите)") from exc


# --- PostgreSQL ---------------------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"не найдена программа {name}; установите клиент PostgreSQL (пакет postgresql-client)")
    return os.path.abspath(path)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The URL for libpq (no +driver) without the password, and the environment carrying it,
    so the password shows neither in the process list nor in error messages."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    except OSError as exc:
        raise BackupError(f"{what}: не удалось запустить {args[0]}: {exc.strerror}") from exc
    if done.returncode != 0:
        message = done.stderr.strip() or done.stdout.strip() or "без сообщения"
        raise BackupError(f"{what}: {Path(args[0]).name} завершился с ошибкой (код {done.returncode}): {message}")
    return done.stdout


def _pg_dump(url: URL, dest: Path) -> None:
    libpq_url, env = _libpq(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dest}", f"--dbname={libpq_url}"],
         env, "резервная копия PostgreSQL не создана")


def _pg_check_backup(src: Path) -> None:
    listing = _run([_tool("pg_restore"), "--list", str(src)], dict(os.environ),
                   f"{src} — не резервная копия PostgreSQL (формат pg_dump --format=custom)")
    if not any(" TABLE " in line and "alembic_version" in line for line in listing.splitlines()):
        raise BackupError(f"{src} — не резервная копия Observer School: в ней нет таблицы alembic_version")


def _pg_restore(url: URL, src: Path) -> None:
    libpq_url, env = _libpq(url)
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={libpq_url}", str(src)], env, "база PostgreSQL не восстановлена, изменений нет")

"""Operations: `backup` and `restore` of the whole database (SQLite online backup API or pg_dump)."""

from pathlib import Path

import click
from flask import current_app

from ..extensions import db
from ..services import backup as backup_svc


def _database_url():
    """The engine's URL: Flask-SQLAlchemy resolves a relative SQLite path against instance/."""
    return db.engine.url


@click.command("backup")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the backup file (default: instance/backups).")
def backup_cmd(output):
    """Back up the whole database into school-YYYYmmdd-HHMMSS.sqlite3 (SQLite) or .dump (PostgreSQL,
    pg_dump custom format), UTC time. Safe while the app is running."""
    directory = output or Path(current_app.instance_path) / "backups"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        path = backup_svc.backup(_database_url(), directory)
    except backup_svc.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Резервная копия: {path}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(file, yes):
    """Replace ALL data in the database with the backup FILE made by `backup`.

    Stop the app first (make run / gunicorn): with SQLite the database file is rewritten in place under
    running workers; with PostgreSQL pg_restore waits for their locks. A FILE that is not a backup is
    refused and the database is left unchanged. Afterwards run init-db if the backup predates the code.
    """
    if not yes:
        click.confirm(f"Все данные базы будут заменены содержимым {file}. "
                      "Приложение должно быть остановлено. Продолжить?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        backup_svc.restore(_database_url(), file)
    except backup_svc.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"База восстановлена из {file}.")


COMMANDS = (backup_cmd, restore_cmd)

"""Core commands: schema, content, users, readiness export, attempts, setup."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from ..extensions import db
from ..models import District, PollingStation, Team, User
from ..services import attempts as attempt_svc
from ..services import audit
from ..services.accounts import AccountError, create_user, set_password
from ..services.bank_rules import BankRules
from ..services.content import load_content, read_content
from ..services.demo import seed_demo
from ..services.demo_attempts import simulate_attempts
from ..services.demo_tally import seed_tally
from ..services.demo_voting import seed_voting_day
from ..services.export import readiness_csv
from ..services.importer import ImportFailed, import_file
from ..services.readiness import team_readiness

content = AppGroup("content", help="Check and load courses/ and quizzes/.")
users = AppGroup("users", help="Manage user accounts.")
readiness = AppGroup("readiness", help="Export readiness lists.")
attempts = AppGroup("attempts", help="Maintain quiz attempts.")


@click.command("init-db")
def init_db():
    """Create or upgrade the database schema (runs the migrations to head)."""
    upgrade()
    click.echo("База данных готова.")


def _read_and_report():
    config = current_app.config
    bundle = read_content(config["COURSES_DIR"], config["QUIZZES_DIR"], BankRules.from_config(config))
    for error in bundle.errors:
        click.echo(str(error), err=True)
    for warning in bundle.warnings:
        click.echo(f"{warning.path}:{warning.line}: предупреждение: {warning.message}", err=True)
    return bundle


@content.command("check")
def content_check():
    """Validate every content file without loading; exit 1 on any error.

    Besides the format: each question's kind and section, the bank rules (enough questions to
    retake, half of them scenarios, no tells; thresholds in CONTENT_RULES) and, as warnings only,
    study time (a section's minutes below words/150 + 1.5 per self-check item; a module over 125)."""
    bundle = _read_and_report()
    minutes = ", ".join(f"{m['slug']} {sum(s['minutes'] for s in m['sections'])} мин" for m in bundle.modules)
    questions = sum(len(q.questions) for q in bundle.quizzes)
    click.echo(f"Модулей: {len(bundle.modules)} ({minutes}); памяток: {len(bundle.memos)}; "
               f"тестов: {len(bundle.quizzes)}, вопросов: {questions}; ошибок: {len(bundle.errors)}; "
               f"предупреждений: {len(bundle.warnings)}")
    sys.exit(1 if bundle.errors else 0)


@content.command("load")
def content_load():
    """Validate and load content; a file with errors loads nothing. Idempotent. Exit 1 on any error."""
    bundle = _read_and_report()
    report = load_content(db.session, bundle)
    click.echo("Загружено: " + ", ".join(f"{k}={v}" for k, v in report.items()))
    sys.exit(1 if bundle.errors else 0)


def _team_or_none(name):
    if not name:
        return None
    team = db.session.scalar(select(Team).filter_by(name=name))
    if team is None:
        raise click.BadParameter(f"нет бригады «{name}»", param_hint="--team")
    return team


@users.command("add")
@click.argument("login")
@click.option("--name", "full_name", required=True, help="Full name as shown in lists.")
@click.option("--role", type=click.Choice(["admin", "coordinator", "consultant", "trainer"]), required=True)
@click.option("--team", help="Team (brigade) name, for coordinators and consultants.")
@click.option("--station", type=int, help="Polling station number, for consultants.")
@click.password_option(help="Password (asked for if not given).")
def users_add(login, full_name, role, team, station, password):
    """Create a user account with a role."""
    team_row = _team_or_none(team)
    station_row = db.session.scalar(select(PollingStation).filter_by(number=station)) if station else None
    try:
        create_user(db.session, login, full_name, role, password, team_row, station_row)
        db.session.commit()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Создан пользователь {login} ({role}).")


@users.command("password")
@click.argument("login")
@click.password_option()
def users_password(login, password):
    """Set a user's password (ends their other sessions)."""
    user = db.session.scalar(select(User).filter_by(login=login.lower()))
    if user is None:
        raise click.ClickException(f"нет пользователя {login}")
    try:
        set_password(user, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo("Пароль изменён.")


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only check and report what would change; write nothing.")
def users_import(file, dry_run):
    """Import districts, stations, coordinators and consultants from CSV or XLSX (re-import updates).

    Every bad row is reported with its line; a file with any error imports nothing. New people get no
    password: send them invitation links from the admin pages. Exit 1 on errors."""
    try:
        plan, result = import_file(db.session, file.name, file.read_bytes(), dry_run=dry_run,
                                   progress=lambda done, total: click.echo(f"{done}/{total}", err=True))
    except ImportFailed as exc:
        raise click.ClickException(str(exc)) from None
    for error in plan.errors:
        click.echo(str(error), err=True)
    for change in plan.changes:
        click.echo(str(change))
    if result:
        audit.record(db.session, None, "import.apply", file=file.name, summary=result.summary())
        db.session.commit()
    click.echo("\n".join((result or plan).summary()))
    if not plan.ok:
        click.echo(f"Ошибок: {len(plan.errors)}; ничего не импортировано.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("Пробный прогон: ничего не записано.")


@readiness.command("export")
@click.option("--team", "team_name", help="One team (brigade) by name.")
@click.option("--district", "district_name", help="Every team of a district.")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def readiness_export(team_name, district_name, fmt, output):
    """Export the readiness list of a team or a whole district as CSV (UTF-8 with BOM)."""
    if bool(team_name) == bool(district_name):
        raise click.UsageError("укажите ровно одно: --team или --district")
    if team_name:
        teams = [_team_or_none(team_name)]
    else:
        district = db.session.scalar(select(District).filter_by(name=district_name))
        if district is None:
            raise click.BadParameter(f"нет района «{district_name}»", param_hint="--district")
        teams = district.teams
    parts = [readiness_csv(team_readiness(db.session, t.id), t.name) for t in teams]
    body = parts[0] + "".join(p.split("\n", 1)[1] for p in parts[1:]) if parts else ""
    if output:
        output.write_text(body, encoding="utf-8")
        click.echo(f"Записано: {output}")
    else:
        click.echo(body, nl=False)


@attempts.command("close-overdue")
def close_overdue():
    """Grade every open attempt whose time limit has passed (run from cron)."""
    click.echo(f"Завершено попыток: {attempt_svc.close_overdue(db.session)}")


@click.command("setup")
def setup():
    """Prepare a machine for `make run`: schema, content, demo accounts and their simulated quiz attempts
    (once). Keeps existing data."""
    upgrade()
    bundle = _read_and_report()
    load_content(db.session, bundle)
    password = seed_demo(db.session)
    if password:
        click.echo("\nДемо-учётные записи (пароль показывается один раз):")
        for login in ("admin", "coordinator1", "consultant1-1", "consultant1-2", "trainer1"):
            click.echo(f"  {login:16} {password}")
        click.echo("  (и остальные coordinatorN, consultantN-M, trainer2 с тем же паролем)\n")
    else:
        click.echo("Данные уже есть; демо-учётные записи не создавались. "
                   "Сменить пароль: flask --app school users password LOGIN")
    made = simulate_attempts(db.session)
    if made:
        click.echo(f"Демо-попыток тестов: {made} (статистика вопросов: /admin/quizzes/<тест>/stats)")
    if day := seed_voting_day(db.session):
        click.echo(f"Демо-день голосования {day.date:%d.%m.%Y} с сообщениями: /desk (coordinator1, admin), "
                   "/day (consultant1-1)")
    if election := seed_tally(db.session, current_app.config["PROTOCOL_PHOTO_DIR"]):
        click.echo(f"Демо-выборы {election.date:%d.%m.%Y} с протоколами: /tally/center (admin), /tally "
                   "(coordinator1, consultant1-1)")


COMMANDS = (init_db, setup, content, users, readiness, attempts)

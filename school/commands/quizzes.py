"""Question banks in Moodle GIFT format: `quizzes import-gift` and `quizzes export-gift`."""

import re
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..services.gift import from_gift, to_gift, to_quiz_text
from ..services.quizfile import TO_FILL, MissingValue, parse_quiz

quizzes = AppGroup("quizzes", help="Question banks: Moodle GIFT import and export, item analysis.")
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _bank_path(slug):
    if not SLUG_RE.match(slug):
        raise click.BadParameter("латиница, цифры, дефис", param_hint="SLUG")
    return Path(current_app.config["QUIZZES_DIR"]) / f"{slug}.txt"


def _echo_errors(errors):
    for error in errors:
        click.echo(str(error), err=True)


@quizzes.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz", "slug", required=True, help="Bank slug; settings are kept from quizzes/SLUG.txt if it exists.")
@click.option("--module", help="Module slug for a new bank (default: the bank slug).")
@click.option("--title", help="Quiz title for a new bank (default: the bank slug).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: quizzes/SLUG.txt).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
def import_gift(file, slug, module, title, output, force):
    """Convert a Moodle GIFT file into a question bank, keeping the settings and topic lines of an
    existing one. A question whose meaning cannot be kept is refused with FILE:LINE and the reason,
    and any refusal writes nothing (exit 1). An explanation or article missing from the file is
    written as НУЖНО УКАЗАТЬ: content check refuses the bank until it is filled in."""
    bank = _bank_path(slug)
    output = output or bank
    if output.exists() and not force:
        raise click.ClickException(f"{output} уже есть; добавьте --force, чтобы заменить его")
    questions, errors = from_gift(file.read_text(encoding="utf-8"), str(file))
    settings = {"title": title or slug, "module": module or slug}
    if bank.exists():
        settings = parse_quiz(str(bank), slug, bank.read_text(encoding="utf-8"))[0].settings
    text = to_quiz_text(settings, questions)
    checked = [] if errors else parse_quiz(str(output), slug, text)[1]
    errors += [e for e in checked if not isinstance(e, MissingValue)]
    _echo_errors(errors)
    if errors:
        click.echo(f"Ошибок: {len(errors)}; файл не записан.", err=True)
        sys.exit(1)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Записано: {output} (вопросов: {len(questions)}). Проверьте: flask --app school content check")
    missing = [e for e in checked if isinstance(e, MissingValue)]
    if missing:
        _echo_errors(missing)
        click.echo(f"Заполните поля с «{TO_FILL}» ({len(missing)}): до тех пор content check банк не загрузит.")


@quizzes.command("export-gift")
@click.argument("slug")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def export_gift(slug, output):
    """Export quizzes/SLUG.txt as Moodle GIFT; a bank with errors is not exported. Exit 1 on errors."""
    bank = _bank_path(slug)
    if not bank.exists():
        raise click.ClickException(f"нет файла {bank}")
    spec, errors = parse_quiz(str(bank), slug, bank.read_text(encoding="utf-8"))
    _echo_errors(errors)
    if errors:
        sys.exit(1)
    body = to_gift(spec)
    if output:
        output.write_text(body, encoding="utf-8")
        click.echo(f"Записано: {output} (вопросов: {len(spec.questions)})")
    else:
        click.echo(body, nl=False)

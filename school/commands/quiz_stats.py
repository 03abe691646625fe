"""`quizzes stats SLUG`: item analysis of a loaded question bank (services/item_stats.py)."""

from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Quiz
from ..services.export import table_csv
from ..services.item_stats import bank_stats, stats_table
from .quizzes import quizzes


def _stats_text(stats) -> str:
    lines = [f"{stats.quiz.title}: завершённых попыток {stats.attempts}, вопросов с флагами {stats.flagged}"]
    for key, _, _, text, attempts, correct, mean, disc, options, flags, earlier in stats_table(stats)[1:]:
        figures = f"  попыток {attempts}" + (f" (+{earlier} на прежних версиях)" if earlier else "")
        if attempts:
            figures += f", верно {correct} %, средний балл {mean}, различающая способность {disc or '—'}"
        lines += ["", f"{key} · {text}", figures]
        lines += [f"  варианты: {options}"] if options else []
        lines += [f"  флаги: {flags}"] if flags else []
    return "\n".join(lines) + "\n"


@quizzes.command("stats")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
def stats(slug, fmt, output):
    """Item analysis of the loaded bank SLUG over finished attempts: per question the attempts, share
    correct, discrimination (correlation of its points with the rest of the attempt), how often each
    option was chosen, and flags (over 95 % or under 20 % correct, negative discrimination, an option
    nobody picks; from 5 attempts on). CSV: UTF-8 with BOM, «;»-separated."""
    quiz = db.session.scalar(select(Quiz).filter_by(slug=slug))
    if quiz is None:
        raise click.ClickException(f"нет теста {slug} в базе: загрузите содержание (content load)")
    result = bank_stats(db.session, quiz)
    body = table_csv(stats_table(result)) if fmt == "csv" else _stats_text(result)
    if output:
        output.write_text(body, encoding="utf-8")
        click.echo(f"Записано: {output} (вопросов: {len(result.items)})")
    else:
        click.echo(body, nl=False)

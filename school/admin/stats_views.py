"""Item analysis of a question bank (see services/item_stats.py): a page and its CSV."""

from flask import Response, render_template
from sqlalchemy import select

from ..access import role_required
from ..extensions import db
from ..models import Quiz
from ..services.export import table_csv
from ..services.item_stats import MIN_ATTEMPTS, bank_stats, stats_table
from ..services.question_types import REGISTRY
from . import bp


def _stats(slug):
    return bank_stats(db.session, db.first_or_404(select(Quiz).filter_by(slug=slug)))


@bp.get("/quizzes/<slug>/stats")
@role_required("admin")
def quiz_stats(slug):
    return render_template("admin/quiz_stats.html", stats=_stats(slug), types=REGISTRY, min_attempts=MIN_ATTEMPTS)


@bp.get("/quizzes/<slug>/stats.csv")
@role_required("admin")
def quiz_stats_csv(slug):
    body = table_csv(stats_table(_stats(slug)))
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-stats.csv"'})

from flask import Blueprint

from ..services.question_types import answer_feedback

bp = Blueprint("quiz", __name__)


@bp.app_template_filter("answer_feedback")
def _answer_feedback(attempt_question) -> list[str]:
    """Per-answer feedback of a reviewed question (the result page shows it only with the key)."""
    return answer_feedback(attempt_question.snapshot, attempt_question.answer)


from . import attempt_views, views  # noqa: E402,F401

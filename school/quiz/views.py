from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Quiz
from ..models._types import utcnow
from ..services import attempt_requests, lawchanges, review
from ..services import attempts as svc
from . import bp


def _quiz_or_404(slug) -> Quiz:
    """A quiz by slug; a re-check after a change of the law only for the consultants it concerns."""
    quiz = db.first_or_404(select(Quiz).filter_by(slug=slug))
    if not lawchanges.may_take(db.session, current_user.id, quiz):
        abort(404)
    return quiz


@bp.get("/quizzes/<slug>")
@role_required("consultant")
def overview(slug):
    quiz = _quiz_or_404(slug)
    svc.finalise_if_overdue(db.session, current_user.id, quiz.id, utcnow())
    attempts = svc.attempts_of(db.session, current_user.id, quiz.id)
    try:
        svc.check_may_start(quiz, attempts, utcnow(), svc.extra_attempts(db.session, current_user.id, quiz.id))
        blocked = None
    except svc.QuizRuleError as exc:
        blocked = str(exc)
    standing = attempt_requests.standing(db.session, current_user.id, quiz)
    return render_template("quiz/overview.html", quiz=quiz, attempts=attempts, blocked=blocked, form=EmptyForm(),
                           standing=standing, key_shown=review.when_key_shown(quiz),
                           recheck=lawchanges.recheck_of(db.session, quiz))


@bp.post("/quizzes/<slug>/start")
@role_required("consultant")
def start(slug):
    quiz = _quiz_or_404(slug)
    try:
        attempt = svc.start_attempt(db.session, current_user.id, quiz)
    except svc.QuizRuleError as exc:
        flash(str(exc), "error")
        return redirect(url_for("quiz.overview", slug=slug))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))

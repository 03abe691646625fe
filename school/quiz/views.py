from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import get_own_attempt_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Quiz
from ..models._types import utcnow
from ..services import attempts as svc
from ..services.question_types import public_view
from . import bp


def _quiz_or_404(slug) -> Quiz:
    return db.first_or_404(select(Quiz).filter_by(slug=slug))


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
    return render_template("quiz/overview.html", quiz=quiz, attempts=attempts, blocked=blocked, form=EmptyForm())


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


def _state(pos, qtype, saved, posted) -> dict:
    """What the form shows as already chosen: the posted values after an error, else the saved answer."""
    state = {"checked": set(), "fields": {}, "number": ""}
    if posted is not None:
        values = posted.getlist(f"q{pos}")
        prefix = f"q{pos}-"
        fields = {k[len(prefix):]: posted.get(k) for k in posted if k.startswith(prefix)}
        return {"checked": set(values), "fields": fields, "number": values[0] if values else ""}
    if saved is None:
        return state
    if qtype == "order":
        state["fields"] = {cid: str(i + 1) for i, cid in enumerate(saved)}
    elif qtype == "match":
        state["fields"] = saved
    elif qtype == "numeric":
        state["number"] = f"{saved:g}"
    else:
        state["checked"] = set(saved)
    return state


def _take(attempt, errors=None, posted=None, status=200):
    questions = [(q.position, public_view(q.snapshot), _state(q.position, q.snapshot["type"], q.answer, posted))
                 for q in attempt.questions]
    errors = errors or {}
    stray = sorted({m for p, m in errors.items() if p not in {q.position for q in attempt.questions}})
    return render_template("quiz/take.html", attempt=attempt, questions=questions,
                           errors=errors, stray=stray, form=EmptyForm()), status


@bp.get("/attempts/<int:attempt_id>")
@role_required("consultant")
def attempt(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    if att.is_open and att.deadline and utcnow() > att.deadline:
        svc.finalise_if_overdue(db.session, att.user_id, att.quiz_id, utcnow())
    if att.is_open:
        return _take(att)
    return render_template("quiz/result.html", attempt=att)


@bp.post("/attempts/<int:attempt_id>/save")
@role_required("consultant")
def save(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    # Background saves (fetch, or sendBeacon on leaving the page) get JSON and never a flash message.
    wants_json = request.accept_mimetypes.best == "application/json" or request.form.get("_beacon") == "1"
    try:
        count = svc.save_answers(db.session, att, request.form)
    except svc.QuizRuleError as exc:
        return (jsonify(error=str(exc)), 409) if wants_json else _flash_back(exc, att)
    except svc.AnswersInvalid as exc:
        if wants_json:
            return jsonify(error="Ответ не принят.", errors=exc.errors), 400
        return _take(att, exc.errors, request.form, 400)
    if wants_json:
        return jsonify(saved=count, at=utcnow().isoformat())
    flash("Ответы сохранены.", "success")
    return redirect(url_for("quiz.attempt", attempt_id=att.id))


def _flash_back(exc, att):
    flash(str(exc), "error")
    return redirect(url_for("quiz.attempt", attempt_id=att.id))


@bp.post("/attempts/<int:attempt_id>/submit")
@role_required("consultant")
def submit(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    try:
        svc.submit_attempt(db.session, att, request.form)
    except svc.QuizRuleError as exc:
        return _flash_back(exc, att)
    except svc.AnswersInvalid as exc:
        flash("Не все ответы приняты: исправьте отмеченные вопросы. Ничего не сохранено.", "error")
        return _take(att, exc.errors, request.form, 400)
    return redirect(url_for("quiz.attempt", attempt_id=att.id))

"""Taking an attempt: the page, autosave, submit (with a confirmation for unanswered questions), result."""

from flask import flash, jsonify, redirect, render_template, request, url_for

from ..access import get_own_attempt_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models._types import utcnow
from ..services import answering, review
from ..services import attempts as svc
from ..services.question_types import form_values, posted_values, public_view
from . import bp


def _take(att, tab, errors=None, posted=None, status=200):
    """The attempt page: each question with its values (as posted, where that answer had an error)."""
    errors = errors or {}
    questions = [(aq.position, public_view(aq.snapshot), errors.get(aq.position),
                  posted_values(aq.position, posted) if aq.position in errors
                  else form_values(aq.position, aq.snapshot, aq.answer))
                 for aq in att.questions]
    answered = sum(aq.answer is not None for aq in att.questions)
    return render_template("quiz/take.html", attempt=att, questions=questions, tab=tab, answered=answered,
                           form=EmptyForm()), status


def _result(att):
    attempts = svc.attempts_of(db.session, att.user_id, att.quiz_id)
    finished = sum(not a.is_open for a in attempts)
    left = svc.attempts_left(att.quiz, finished, svc.extra_attempts(db.session, att.user_id, att.quiz_id))
    return render_template("quiz/result.html", attempt=att, show_key=review.shows_key(att),
                           topics=review.topic_scores(db.session, att), attempts_left=left,
                           next_at=svc.next_attempt_at(att.quiz, attempts), is_last=attempts[-1].id == att.id)


@bp.get("/attempts/<int:attempt_id>")
@role_required("consultant")
def attempt(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    if att.is_open and att.deadline and utcnow() > att.deadline:
        svc.finalise_if_overdue(db.session, att.user_id, att.quiz_id, utcnow())
    if not att.is_open:
        return _result(att)
    tab = answering.open_tab(db.session, att)
    db.session.commit()
    return _take(att, tab)


def _conflict(att, exc, wants_json):
    """An older tab, or an attempt already finished: refused with 409, saying why."""
    closed = not isinstance(exc, answering.TabConflict)
    if wants_json:
        return jsonify(error=str(exc), closed=closed, conflict=not closed), 409
    if closed:
        flash(str(exc), "error")
        return redirect(url_for("quiz.attempt", attempt_id=att.id))
    return render_template("quiz/conflict.html", attempt=att, message=str(exc)), 409


@bp.post("/attempts/<int:attempt_id>/save")
@role_required("consultant")
def save(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    # Background saves (fetch, or sendBeacon on leaving the page) get JSON and never a flash message.
    wants_json = request.accept_mimetypes.best == "application/json" or request.form.get("_beacon") == "1"
    tab = request.form.get("tab")
    try:
        result = answering.save_answers(db.session, att, request.form, tab)
    except svc.QuizRuleError as exc:
        return _conflict(att, exc, wants_json)
    if wants_json:
        # A batch: each question has its own outcome, so the request itself succeeded.
        return jsonify(saved=result.saved, errors=result.errors, answered=result.answered, total=result.total,
                       at=utcnow().isoformat())
    if result.errors:
        flash("Сохранены все ответы, кроме отмеченных: исправьте их.", "error")
        return _take(att, tab, result.errors, request.form, 400)
    flash("Ответы сохранены.", "success")
    return redirect(url_for("quiz.attempt", attempt_id=att.id))


@bp.post("/attempts/<int:attempt_id>/submit")
@role_required("consultant")
def submit(attempt_id):
    att = get_own_attempt_or_404(attempt_id)
    tab = request.form.get("tab")
    try:
        answering.submit_attempt(db.session, att, request.form, tab, confirmed=request.form.get("confirm") == "1")
    except answering.Unconfirmed as pending:
        listed = sorted(set(pending.unanswered) | set(pending.errors))
        texts = {aq.position: aq.snapshot["text"] for aq in att.questions}
        return render_template("quiz/confirm.html", attempt=att, tab=tab, form=EmptyForm(),
                               unanswered=[(p, texts[p], pending.errors.get(p)) for p in listed])
    except svc.QuizRuleError as exc:
        return _conflict(att, exc, wants_json=False)
    return redirect(url_for("quiz.attempt", attempt_id=att.id))


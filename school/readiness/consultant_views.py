"""A consultant's page for their coordinator and the center: progress, attempts, sign-off, extra attempts."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import get_consultant_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Quiz
from ..services import attempt_requests, signoff
from ..services.attempts import QuizRuleError
from ..services.consultant import overview
from . import bp
from .forms import GrantForm, WithdrawForm


def _may_grant() -> bool:
    """Admins grant extra attempts; coordinators only when COORDINATORS_GRANT_ATTEMPTS is on."""
    return current_user.role == "admin" or current_app.config["COORDINATORS_GRANT_ATTEMPTS"]


def _page(consultant, withdraw=None, grant=None, status=200):
    data = overview(db.session, consultant)
    grant = grant or GrantForm()
    if not grant.errors:
        # The center may grant for any quiz; a coordinator asks (or grants) only where attempts are used up.
        grant.quiz_id.choices = [(s.quiz.id, s.quiz.title) for s in data.standings.values()
                                 if current_user.role == "admin" or (s.used_up and s.state != "pending")]
    return render_template("readiness/consultant.html", o=data, form=EmptyForm(), withdraw=withdraw or WithdrawForm(),
                           grant=grant, may_grant=_may_grant()), status


@bp.get("/consultants/<int:user_id>")
@role_required("coordinator", "admin")
def consultant(user_id):
    return _page(get_consultant_or_404(user_id))


def _change_signoff(person, change, done: str):
    """Run a sign-off change in one transaction; a broken rule comes back as 409 with its message."""
    try:
        change()
        db.session.commit()
        flash(done, "success")
    except signoff.SignoffError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _page(person, status=409)
    return redirect(url_for("readiness.consultant", user_id=person.id))


@bp.post("/consultants/<int:user_id>/signoff")
@role_required("coordinator", "admin")
def confirm(user_id):
    person = get_consultant_or_404(user_id)
    return _change_signoff(person, lambda: signoff.confirm(db.session, person, current_user),
                           "Готовность подтверждена.")


@bp.post("/consultants/<int:user_id>/signoff/withdraw")
@role_required("coordinator", "admin")
def withdraw(user_id):
    person = get_consultant_or_404(user_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _page(person, withdraw=form, status=400)
    return _change_signoff(person, lambda: signoff.withdraw(db.session, person, current_user, form.reason.data),
                           "Подтверждение отозвано.")


def _extra_attempt(person, act, done: str):
    """Validate the quiz-and-reason form and run act(quiz, reason) in one transaction;
    a broken rule is shown under the quiz field (400)."""
    form = GrantForm()
    form.quiz_id.choices = [(q.id, q.title) for q in db.session.scalars(select(Quiz).order_by(Quiz.slug))]
    if form.validate_on_submit():
        quiz = db.session.get(Quiz, form.quiz_id.data)
        try:
            act(quiz, form.reason.data)
            db.session.commit()
            flash(done.format(quiz=quiz.title), "success")
            return redirect(url_for("readiness.consultant", user_id=person.id))
        except QuizRuleError as exc:
            db.session.rollback()
            form.quiz_id.errors.append(str(exc))
    return _page(person, grant=form, status=400)


@bp.post("/consultants/<int:user_id>/grant")
@role_required("coordinator", "admin")
def grant(user_id):
    if not _may_grant():
        abort(404)
    person = get_consultant_or_404(user_id)
    coordinator = current_user.role != "admin"
    return _extra_attempt(person, lambda quiz, reason: attempt_requests.grant_directly(
        db.session, person, quiz, current_user, reason, only_when_used_up=coordinator),
        "Дополнительная попытка по тесту «{quiz}» выдана.")


@bp.post("/consultants/<int:user_id>/attempt-request")
@role_required("coordinator")
def request_attempt(user_id):
    person = get_consultant_or_404(user_id)
    return _extra_attempt(person, lambda quiz, reason: attempt_requests.request_extra(
        db.session, person, quiz, current_user, reason),
        "Запрос на дополнительную попытку по тесту «{quiz}» отправлен в центр.")

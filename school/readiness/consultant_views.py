"""A consultant's page for their coordinator and the center: progress, attempts, sign-off, extra attempts."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import get_consultant_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Quiz
from ..services import attempts as attempt_svc
from ..services import signoff
from ..services.consultant import overview
from . import bp
from .forms import GrantForm, WithdrawForm


def _page(consultant, withdraw=None, grant=None, status=200):
    data = overview(db.session, consultant)
    grant = grant or GrantForm()
    grant.quiz_id.choices = [(c.quiz.id, c.quiz.title) for c in data.cards if c.quiz]
    return render_template("readiness/consultant.html", o=data, form=EmptyForm(), withdraw=withdraw or WithdrawForm(),
                           grant=grant), status


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


@bp.post("/consultants/<int:user_id>/grant")
@role_required("admin")
def grant(user_id):
    person = get_consultant_or_404(user_id)
    form = GrantForm()
    form.quiz_id.choices = [(q.id, q.title) for q in db.session.scalars(db.select(Quiz))]
    if not form.validate_on_submit():
        return _page(person, grant=form, status=400)
    quiz = db.session.get(Quiz, form.quiz_id.data) or abort(404)
    attempt_svc.grant_extra_attempt(db.session, person.id, quiz, current_user.id, form.reason.data)
    db.session.commit()
    flash(f"Дополнительная попытка по тесту «{quiz.title}» выдана.", "success")
    return redirect(url_for("readiness.consultant", user_id=user_id))

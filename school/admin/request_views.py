"""The center's queue of coordinators' requests for an extra quiz attempt: grant or refuse."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import role_required
from ..extensions import db
from ..models import AttemptRequest
from ..services import attempt_requests
from ..services.attempts import QuizRuleError
from . import bp
from .forms import DecisionForm

DONE = {"grant": "Дополнительная попытка разрешена.", "refuse": "В дополнительной попытке отказано."}


def _queue(errors=None, status=200):
    """The pending requests; errors maps a request id to the message shown under its note field."""
    return render_template("admin/attempt_requests.html", requests=attempt_requests.pending(db.session),
                           errors=errors or {}), status


@bp.get("/attempt-requests")
@role_required("admin")
def attempt_requests_queue():
    return _queue()


@bp.post("/attempt-requests/<int:request_id>/<decision>")
@role_required("admin")
def decide_attempt_request(request_id, decision):
    if decision not in DONE:
        abort(404)
    req = db.get_or_404(AttemptRequest, request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _queue({req.id: " ".join(e for errs in form.errors.values() for e in errs)}, 400)
    try:
        attempt_requests.decide(db.session, req, current_user, decision == "grant", form.note.data)
    except attempt_requests.AlreadyDecided as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _queue(status=409)
    except QuizRuleError as exc:
        db.session.rollback()
        return _queue({req.id: str(exc)}, 400)
    db.session.commit()
    flash(DONE[decision], "success")
    return redirect(url_for("admin.attempt_requests_queue"))

"""A consultant's seminars: sign up, cancel, the calendar file, and checking in with the trainer's code."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import get_own_booking_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import SeminarSession
from ..services import attendance, bookings, qualification
from ..services.ics import booking_ics
from ..services.seats import for_consultant
from ..services.seminars import when
from . import bp
from .forms import CodeForm


def cutoff() -> int:
    return current_app.config["SEMINAR_CANCEL_HOURS"]


def run(change, done, back: str):
    """Run a booking or attendance change in one transaction: flash what happened (or the refused rule) and go
    back. A wrong code is committed too, so the number of tries is kept."""
    try:
        result = change()
        db.session.commit()
        flash(done(result), "success")
    except attendance.CodeError as exc:
        db.session.commit()
        flash(str(exc), "error")
    except (bookings.BookingError, attendance.AttendanceError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(back)


def signed_up(booking) -> str:
    name = f"«{booking.seminar.module.title}», {when(booking.seminar)}"
    if booking.status == "booked":
        return f"Записано: {name}."
    return f"Мест нет — записано в лист ожидания: {name}. Если место освободится, это будет видно на главной."


def cancelled(promoted) -> str:
    return "Запись отменена." + (f" Место перешло первому в листе ожидания: {promoted.user.full_name}."
                                 if promoted is not None and current_user.role != "consultant" else "")


def _posted():
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.get("/seminars")
@role_required("consultant")
def index():
    return render_template("seminars/index.html", modules=for_consultant(db.session, current_user.id),
                           form=EmptyForm(), code_form=CodeForm(), cutoff=cutoff(), may_cancel=bookings.may_cancel,
                           in_progress=attendance.in_progress)


@bp.post("/seminars/<int:seminar_id>/signup")
@role_required("consultant")
def sign_up(seminar_id):
    seminar = db.get_or_404(SeminarSession, seminar_id)
    _posted()
    return run(lambda: bookings.sign_up(db.session, seminar, current_user, current_user), signed_up,
               url_for("seminars.index"))


@bp.post("/seminars/bookings/<int:booking_id>/cancel")
@role_required("consultant")
def cancel(booking_id):
    booking = get_own_booking_or_404(booking_id)
    _posted()
    return run(lambda: bookings.cancel(db.session, booking, current_user, cutoff()), cancelled,
               url_for("seminars.index"))


@bp.post("/seminars/bookings/<int:booking_id>/checkin")
@role_required("consultant")
def check_in(booking_id):
    booking = get_own_booking_or_404(booking_id)
    form = CodeForm()
    if not form.validate_on_submit():
        flash("Введите код с экрана тренера.", "error")
        return redirect(url_for("seminars.index"))
    return run(lambda: attendance.check_in(db.session, booking, form.code.data),
               lambda _: "Вы отмечены на семинаре.", url_for("seminars.index"))


@bp.get("/seminars/bookings/<int:booking_id>.ics")
@role_required("consultant")
def calendar_file(booking_id):
    booking = get_own_booking_or_404(booking_id)
    if booking.status not in ("booked", "waiting"):
        abort(404)
    return Response(booking_ics(booking), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="seminar-{booking.id}.ics"'})


@bp.app_context_processor
def rule_names():
    """Completion rules in words, for every page that states one."""
    return {"RULE_NAMES": qualification.RULES}

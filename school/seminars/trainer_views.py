"""A trainer's sessions: the phone list to mark attendance, the code for self-check-in, the printable
sign-in sheet and entering it afterwards. An admin may open any session; a trainer only their own."""

from flask import abort, jsonify, render_template, request, url_for
from flask_login import current_user

from ..access import get_seminar_or_404, role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Booking
from ..models.seminar import ATTENDANCE
from ..services import attendance, bookings, seminars
from ..services.attendance import LABELS, SOURCES
from . import bp
from .forms import MarkForm
from .views import run

SHEET_ROWS = 25  # names per A4 page of the sign-in sheet
# Who had a seat: a booking lapses when its consultant, absent, signs up for another session; it stays on its
# session's list and sheet, so a mark entered late still reaches it.
SEATED = ("booked", "lapsed")


@bp.get("/trainer")
@role_required("trainer")
def trainer_home():
    return render_template("seminars/trainer.html", sessions=seminars.of_trainer(db.session, current_user.id),
                           when=seminars.when, where=seminars.where)


def _booking_or_404(seminar, booking_id: int) -> Booking:
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.session_id != seminar.id:
        abort(404)
    return booking


def _back(seminar, booking=None) -> str:
    return url_for("seminars.session_page", seminar_id=seminar.id, _anchor=f"b{booking.id}" if booking else None)


@bp.get("/trainer/sessions/<int:seminar_id>")
@role_required("trainer", "admin")
def session_page(seminar_id):
    seminar = get_seminar_or_404(seminar_id)
    rows = bookings.of_session(db.session, seminar.id, SEATED)
    return render_template("seminars/session.html", seminar=seminar, rows=rows,
                           waiting=bookings.of_session(db.session, seminar.id, ("waiting",)),
                           code=attendance.current_code(seminar), form=EmptyForm(), labels=LABELS, sources=SOURCES,
                           when=seminars.when, where=seminars.where)


@bp.post("/trainer/sessions/<int:seminar_id>/bookings/<int:booking_id>/mark")
@role_required("trainer", "admin")
def mark(seminar_id, booking_id):
    seminar = get_seminar_or_404(seminar_id)
    booking = _booking_or_404(seminar, booking_id)
    form = MarkForm()
    if not form.validate_on_submit():
        abort(400)
    return run(lambda: attendance.mark(db.session, booking, form.value.data, current_user),
               lambda _: f"{booking.user.full_name}: {LABELS[form.value.data]}.", _back(seminar, booking))


@bp.post("/trainer/sessions/<int:seminar_id>/bookings/<int:booking_id>/undo")
@role_required("trainer", "admin")
def undo(seminar_id, booking_id):
    seminar = get_seminar_or_404(seminar_id)
    booking = _booking_or_404(seminar, booking_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return run(lambda: attendance.undo(db.session, booking, current_user),
               lambda _: f"{booking.user.full_name}: отметка снята.", _back(seminar, booking))


@bp.get("/trainer/sessions/<int:seminar_id>/live.json")
@role_required("trainer", "admin")
def live(seminar_id):
    """The code of this minute and every mark, for the trainer's page to refresh itself."""
    seminar = get_seminar_or_404(seminar_id)
    code = attendance.current_code(seminar)
    rows = bookings.of_session(db.session, seminar.id, SEATED)
    marks = {b.id: {"label": LABELS[b.attendance], "source": SOURCES.get(b.mark_source, ""),
                    "attendance": b.attendance or ""} for b in rows}
    return jsonify(code=code.value if code else None, seconds_left=code.seconds_left if code else None, marks=marks)


@bp.get("/trainer/sessions/<int:seminar_id>/sheet")
@role_required("trainer", "admin")
def sheet(seminar_id):
    seminar = get_seminar_or_404(seminar_id)
    rows = bookings.of_session(db.session, seminar.id, SEATED)
    pages = [rows[i:i + SHEET_ROWS] for i in range(0, len(rows), SHEET_ROWS)] or [[]]
    return render_template("seminars/sheet.html", seminar=seminar, pages=pages, per_page=SHEET_ROWS,
                           when=seminars.when, where=seminars.where)


@bp.route("/trainer/sessions/<int:seminar_id>/enter", methods=["GET", "POST"])
@role_required("trainer", "admin")
def enter(seminar_id):
    """Attendance from the paper sheet, after the session; who entered it is kept with each mark."""
    seminar = get_seminar_or_404(seminar_id)
    rows = bookings.of_session(db.session, seminar.id, SEATED)
    form = EmptyForm()
    if form.validate_on_submit():
        values = {b.id: request.form.get(f"a-{b.id}", "") for b in rows}
        if any(v not in ("", *ATTENDANCE) for v in values.values()):
            abort(400)
        return run(lambda: attendance.enter_sheet(db.session, seminar, values, current_user),
                   lambda n: f"Внесено с листа отметок: {n}.", _back(seminar))
    return render_template("seminars/enter.html", seminar=seminar, rows=rows, form=form, labels=LABELS,
                           sources=SOURCES, when=seminars.when, where=seminars.where)

"""Attendance at a seminar: the trainer's marks from a phone list, a self-check-in with a short code that
changes every minute, and entry from the paper sign-in sheet afterwards. Every mark and undo is audited and
refreshes the consultant's qualification in the same transaction.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..models import Booking, SeminarSession, User
from ..models._types import utcnow
from ..models.seminar import ATTENDANCE
from . import audit, qualification

CODE_DIGITS = 4
MAX_CODE_FAILURES = 5  # wrong codes per booking; then the trainer marks the consultant
LABELS = {"present": "присутствует", "late": "опоздал(а)", "absent": "отсутствует", None: "не отмечен(а)"}
SOURCES = {"trainer": "тренер", "self": "сам(а), по коду", "sheet": "с листа"}


class AttendanceError(ValueError):
    """The mark is refused; the message says why."""


class CodeError(AttendanceError):
    """A wrong code: the failure is counted, so the caller commits it."""


def code_at(seminar: SeminarSession, at: datetime) -> str:
    """The session's code for the minute `at` falls in: an HMAC of the minute under the session's secret."""
    minute = int(at.timestamp() // 60)
    digest = hmac.new(seminar.code_secret.encode(), str(minute).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def in_progress(seminar: SeminarSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return seminar.starts_at <= now < seminar.ends_at


@dataclass
class Code:
    value: str
    seconds_left: int  # until it changes


def current_code(seminar: SeminarSession, now: datetime | None = None) -> Code | None:
    """What the trainer shows during the session; None before and after it."""
    now = now or utcnow()
    if not in_progress(seminar, now):
        return None
    return Code(code_at(seminar, now), 60 - int(now.timestamp()) % 60)


def _set(session, booking: Booking, value: str | None, actor: User, source: str | None, now: datetime,
         action: str) -> None:
    previous = booking.attendance
    booking.attendance, booking.marked_at, booking.marked_by_id, booking.mark_source = value, now, actor.id, source
    audit.record(session, actor.id, action, booking.user_id, booking=booking.id, seminar=booking.session_id,
                 value=value, previous=previous, source=source)
    qualification.refresh(session, [booking.user_id])


def _markable(booking: Booking, now: datetime) -> None:
    if booking.status not in ("booked", "lapsed"):
        raise AttendanceError("У консультанта нет места на этом семинаре.")
    if now < booking.seminar.starts_at:
        raise AttendanceError("Семинар ещё не начался.")


def mark(session, booking: Booking, value: str, actor: User, source: str = "trainer",
         now: datetime | None = None) -> None:
    """The trainer's (or, from the paper sheet, anyone entering it) mark: present, late or absent."""
    now = now or utcnow()
    if value not in ATTENDANCE:
        raise AttendanceError("Отметка: присутствует, опоздал(а) или отсутствует.")
    _markable(booking, now)
    if booking.attendance != value:
        action = "attendance.sheet" if source == "sheet" else "attendance.mark"
        _set(session, booking, value, actor, source, now, action)


def undo(session, booking: Booking, actor: User, now: datetime | None = None) -> None:
    """Take a mark back (a self-check-in too); who took it back stays on the booking and in the log."""
    now = now or utcnow()
    _markable(booking, now)
    if booking.attendance is None:
        raise AttendanceError("Отметки нет.")
    _set(session, booking, None, actor, None, now, "attendance.undo")


def enter_sheet(session, seminar: SeminarSession, values: dict[int, str], actor: User,
                now: datetime | None = None) -> int:
    """Marks from the paper sign-in sheet, {booking_id: value}; empty leaves a booking as it is.
    Returns how many changed; `actor` is recorded as who entered them."""
    now = now or utcnow()
    if now < seminar.starts_at:
        raise AttendanceError("Семинар ещё не начался.")
    changed = 0
    rows = session.scalars(select(Booking).where(Booking.session_id == seminar.id, Booking.id.in_(list(values))))
    for booking in rows:
        value = values[booking.id]
        if value and booking.attendance != value:
            mark(session, booking, value, actor, "sheet", now)
            changed += 1
    return changed


def check_in(session, booking: Booking, code: str, now: datetime | None = None) -> None:
    """A consultant marks themself present with the code on the trainer's screen: only during the session,
    the code of this minute (or of the minute just gone, read at its last second), once per booking."""
    now = now or utcnow()
    seminar = booking.seminar
    if booking.status != "booked":
        raise AttendanceError("Отметиться можно только с местом на этом семинаре.")
    if not in_progress(seminar, now):
        raise AttendanceError("Код действует только во время семинара.")
    if booking.self_marked_at is not None or booking.attendance is not None:
        raise AttendanceError("Вы уже отмечены. Если это ошибка, скажите тренеру.")
    if booking.code_failures >= MAX_CODE_FAILURES:
        raise AttendanceError("Слишком много неверных кодов: попросите тренера отметить вас.")
    if (code or "").strip() not in {code_at(seminar, now), code_at(seminar, now - timedelta(minutes=1))}:
        session.execute(update(Booking).where(Booking.id == booking.id).values(
            code_failures=Booking.code_failures + 1).execution_options(synchronize_session=False))
        session.expire(booking)
        raise CodeError("Неверный или устаревший код: введите код, который сейчас на экране тренера.")
    # Once: a guarded UPDATE, so two taps at the same moment mark once.
    done = session.execute(update(Booking).where(Booking.id == booking.id, Booking.self_marked_at.is_(None),
                                                 Booking.attendance.is_(None))
                           .values(attendance="present", marked_at=now, marked_by_id=booking.user_id,
                                   mark_source="self", self_marked_at=now)
                           .execution_options(synchronize_session=False))
    session.expire(booking)
    if done.rowcount != 1:
        raise AttendanceError("Вы уже отмечены.")
    audit.record(session, booking.user_id, "attendance.self", booking.user_id, booking=booking.id,
                 seminar=seminar.id, value="present", source="self")
    qualification.refresh(session, [booking.user_id])

"""Signing up for seminars: one seat (or waiting place) per consultant and module, the last seat to exactly
one of two simultaneous sign-ups, a waiting list that moves up on a cancellation, a cut-off for cancelling.

Every change takes the session's row lock first (a no-op UPDATE: a row lock on PostgreSQL, the write lock
on SQLite), so sign-ups, cancellations and promotions of one session happen one after another; the seat
itself is a guarded counter UPDATE (`booked < capacity`) under a CHECK constraint (`booked <= capacity`),
and a unique partial index allows one active booking per consultant and module. Each change is audited.
"""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import select

from ..models import Booking, SeminarSession, User
from ..models._types import utcnow
from ..models.seminar import ATTENDED
from . import audit

ACTIVE = ("booked", "waiting")


class BookingError(ValueError):
    """The sign-up or cancellation is refused; the message says why."""


def _lock(session, seminar_id: int) -> None:
    session.execute(update(SeminarSession).where(SeminarSession.id == seminar_id)
                    .values(booked=SeminarSession.booked).execution_options(synchronize_session=False))


def _seats(session, seminar: SeminarSession, change: int) -> bool:
    """Take (+1, only while a seat is free) or give back (-1) a seat; False if none was free."""
    stmt = update(SeminarSession).where(SeminarSession.id == seminar.id)
    if change > 0:
        stmt = stmt.where(SeminarSession.booked < SeminarSession.capacity)
    done = session.execute(stmt.values(booked=SeminarSession.booked + change)
                           .execution_options(synchronize_session=False)).rowcount == 1
    session.expire(seminar, ["booked"])
    return done


def _release_old(session, user_id: int, module_id: int, actor_id: int, now: datetime) -> None:
    """Refuse a second sign-up for a module; a booking of a session that is over, not attended, lapses."""
    if session.scalar(select(Booking.id).filter_by(user_id=user_id, module_id=module_id)
                      .where(Booking.attendance.in_(ATTENDED)).limit(1)):
        raise BookingError("Семинар этого модуля уже посещён.")
    for old in session.scalars(select(Booking).filter_by(user_id=user_id, module_id=module_id)
                               .where(Booking.status.in_(ACTIVE)).options(selectinload(Booking.seminar))):
        if old.seminar.ends_at > now:
            raise BookingError("Уже есть запись на семинар этого модуля. Чтобы выбрать другой, сначала отмените её.")
        old.status = "lapsed"
        audit.record(session, actor_id, "booking.lapse", user_id, booking=old.id, seminar=old.session_id)


def sign_up(session, seminar: SeminarSession, consultant: User, actor: User, now: datetime | None = None) -> Booking:
    """A seat if one is free, else a place on the waiting list (the caller commits)."""
    now = now or utcnow()
    if consultant.role != "consultant":
        raise BookingError("Записать на семинар можно только консультанта.")
    if seminar.starts_at <= now:
        raise BookingError("Запись закрыта: семинар уже начался.")
    _lock(session, seminar.id)
    _release_old(session, consultant.id, seminar.module_id, actor.id, now)
    seated = _seats(session, seminar, +1)
    booking = Booking(session_id=seminar.id, user_id=consultant.id, module_id=seminar.module_id, created_at=now,
                      created_by_id=actor.id, status="booked" if seated else "waiting",
                      seated_at=now if seated else None)
    try:
        with session.begin_nested():
            session.add(booking)
    except IntegrityError as exc:
        raise BookingError("Уже есть запись на семинар этого модуля.") from exc
    audit.record(session, actor.id, "booking.create" if seated else "booking.wait", consultant.id,
                 booking=booking.id, seminar=seminar.id)
    return booking


def may_cancel(booking: Booking, cutoff_hours: int, now: datetime | None = None) -> bool:
    """A seat until the cut-off before the start; a waiting place until the start."""
    if booking.status not in ACTIVE:
        return False
    limit = booking.seminar.starts_at - (timedelta(hours=cutoff_hours) if booking.status == "booked" else timedelta())
    return (now or utcnow()) < limit


def cancel(session, booking: Booking, actor: User, cutoff_hours: int, now: datetime | None = None) -> Booking | None:
    """Cancel (kept, marked cancelled); a freed seat goes to the first on the waiting list, who is returned."""
    now = now or utcnow()
    if not may_cancel(booking, cutoff_hours, now):
        if booking.status in ACTIVE:
            raise BookingError(f"Отменить запись можно не позже чем за {cutoff_hours} ч до начала семинара.")
        raise BookingError("Запись уже отменена.")
    seminar, was = booking.seminar, booking.status
    _lock(session, seminar.id)
    done = session.execute(update(Booking).where(Booking.id == booking.id, Booking.status == was)
                           .values(status="cancelled", cancelled_at=now, cancelled_by_id=actor.id)
                           .execution_options(synchronize_session=False))
    session.expire(booking)
    if done.rowcount != 1:
        raise BookingError("Запись уже изменилась: обновите страницу.")
    audit.record(session, actor.id, "booking.cancel", booking.user_id, booking=booking.id, seminar=seminar.id, was=was)
    if was != "booked":
        return None
    promoted = _promote(session, seminar, actor.id, now)
    if promoted is None:
        _seats(session, seminar, -1)
    return promoted


def _promote(session, seminar: SeminarSession, actor_id: int, now: datetime) -> Booking | None:
    """Give a seat already counted to the first on the waiting list (under the session's lock)."""
    first = session.scalar(select(Booking).filter_by(session_id=seminar.id, status="waiting").order_by(Booking.id)
                           .limit(1))
    if first is None:
        return None
    first.status, first.seated_at, first.promoted_at = "booked", now, now
    audit.record(session, actor_id, "booking.promote", first.user_id, booking=first.id, seminar=seminar.id)
    return first


def fill_from_waiting(session, seminar: SeminarSession, actor_id: int, now: datetime | None = None) -> int:
    """After more seats were added: move the waiting list up while seats are free."""
    now = now or utcnow()
    _lock(session, seminar.id)
    moved = 0
    while session.scalar(select(Booking.id).filter_by(session_id=seminar.id, status="waiting").limit(1)):
        if seminar.starts_at <= now or not _seats(session, seminar, +1):
            break
        _promote(session, seminar, actor_id, now)
        moved += 1
    return moved


def waiting_positions(session, seminar_ids) -> dict[int, int]:
    """{booking_id: place on its session's waiting list, from 1}, in one query."""
    stmt = (select(Booking.id, Booking.session_id).where(Booking.session_id.in_(seminar_ids),
                                                         Booking.status == "waiting").order_by(Booking.id))
    seen: dict[int, int] = {}
    positions = {}
    for booking_id, seminar_id in session.execute(stmt):
        seen[seminar_id] = seen.get(seminar_id, 0) + 1
        positions[booking_id] = seen[seminar_id]
    return positions


def of_session(session, seminar_id: int, statuses=("booked",)) -> list[Booking]:
    """A session's bookings with their consultants (and team), by name."""
    stmt = (select(Booking).join(User, User.id == Booking.user_id).where(Booking.session_id == seminar_id,
                                                                         Booking.status.in_(statuses))
            .options(selectinload(Booking.user).selectinload(User.team), selectinload(Booking.marked_by))
            .order_by(User.full_name, Booking.id))
    return list(session.scalars(stmt))

"""Seminar sessions as the center schedules them: per module, in Almaty time, with a trainer and seats."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Booking, Module, SeminarSession, User
from ..models._types import utcnow
from . import audit, bookings, qualification
from .calendar import ALMATY

DEFAULT_MINUTES = 120


class SeminarError(ValueError):
    """The session cannot be saved as it is; the message is for the admin."""


@dataclass
class SessionSpec:
    """A session as the admin's form gives it: the local day and time in Almaty."""

    module_id: int
    day: date
    start: time
    minutes: int
    place: str
    room: str
    trainer_id: int
    capacity: int
    notes: str = ""

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start, ALMATY)


def spec_of(seminar: SeminarSession) -> SessionSpec:
    """The form's values for an existing session."""
    local = seminar.starts_at.astimezone(ALMATY)
    minutes = int((seminar.ends_at - seminar.starts_at).total_seconds() // 60)
    return SessionSpec(seminar.module_id, local.date(), local.time().replace(tzinfo=None), minutes, seminar.place,
                       seminar.room, seminar.trainer_id, seminar.capacity, seminar.notes)


def _check(session, seminar: SeminarSession | None, spec: SessionSpec) -> None:
    trainer = session.get(User, spec.trainer_id)
    if trainer is None or trainer.role != "trainer":
        raise SeminarError("Выберите тренера: учётную запись с ролью «тренер».")
    if session.get(Module, spec.module_id) is None:
        raise SeminarError("Выберите модуль.")
    if seminar is None:
        return
    if seminar.booked > spec.capacity:
        raise SeminarError(f"Уже занято мест: {seminar.booked}. Мест не может быть меньше.")
    if spec.module_id != seminar.module_id and session.scalar(select(Booking.id).filter_by(session_id=seminar.id)):
        raise SeminarError("На семинар уже записывались: модуль менять нельзя, назначьте новый семинар.")


def save(session, seminar: SeminarSession | None, spec: SessionSpec, actor_id: int) -> SeminarSession:
    """Create or change a session, audited. More seats move the waiting list up; a new date or room
    changes what attendees' pages say, so their qualification is refreshed with it."""
    _check(session, seminar, spec)
    created = seminar is None
    if created:
        seminar = SeminarSession(code_secret=secrets.token_hex(16), booked=0)
    seminar.module_id, seminar.trainer_id, seminar.capacity = spec.module_id, spec.trainer_id, spec.capacity
    seminar.starts_at = spec.starts_at
    seminar.ends_at = spec.starts_at + timedelta(minutes=spec.minutes)
    seminar.place, seminar.room, seminar.notes = spec.place.strip(), spec.room.strip(), spec.notes.strip()
    session.add(seminar)
    session.flush()
    audit.record(session, actor_id, "seminar.create" if created else "seminar.update", None, seminar=seminar.id,
                 module=spec.module_id, starts=seminar.starts_at.isoformat(), place=seminar.place, room=seminar.room,
                 capacity=seminar.capacity, trainer=seminar.trainer_id)
    if not created:
        bookings.fill_from_waiting(session, seminar, actor_id)
        attendees = session.scalars(select(Booking.user_id).filter_by(session_id=seminar.id).where(
            Booking.attendance.is_not(None)))
        qualification.refresh(session, list(attendees))
    return seminar


def _listed(stmt):
    return stmt.options(selectinload(SeminarSession.module), selectinload(SeminarSession.trainer))


def upcoming(session, now: datetime | None = None) -> list[SeminarSession]:
    """Sessions not started yet, soonest first: what a consultant can sign up for."""
    stmt = select(SeminarSession).where(SeminarSession.starts_at > (now or utcnow())).order_by(SeminarSession.starts_at)
    return list(session.scalars(_listed(stmt)))


def everything(session) -> list[SeminarSession]:
    """Every session, newest first, for the center."""
    return list(session.scalars(_listed(select(SeminarSession).order_by(SeminarSession.starts_at.desc()))))


def of_trainer(session, trainer_id: int) -> list[SeminarSession]:
    """A trainer's own sessions, soonest first."""
    stmt = select(SeminarSession).filter_by(trainer_id=trainer_id).order_by(SeminarSession.starts_at)
    return list(session.scalars(_listed(stmt)))


def trainers(session) -> list[User]:
    return list(session.scalars(select(User).filter_by(role="trainer", active=True).order_by(User.full_name)))


def when(seminar: SeminarSession) -> str:
    """«12.12.2026, 10:00–12:00» in Almaty time."""
    start, end = seminar.starts_at.astimezone(ALMATY), seminar.ends_at.astimezone(ALMATY)
    return f"{start:%d.%m.%Y, %H:%M}–{end:%H:%M}"


def where(seminar: SeminarSession) -> str:
    return ", ".join(p for p in (seminar.place, seminar.room) if p)

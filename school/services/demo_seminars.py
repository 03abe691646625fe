"""Demo seminars for `make run`: two trainers, sessions of each module around today, the past ones with
attendance (a few late, a few absent), the coming ones partly booked and one full with a waiting list."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..models import Booking, Module, SeminarSession, Team, User
from ..models._types import utcnow
from . import bookings, qualification, seminars
from .calendar import ALMATY

TRAINERS = [("trainer1", "Тренерова Гульнара"), ("trainer2", "Сейтказиев Бауыржан")]
PLACE = "ул. Жандосова, 55, учебный центр"
# (days from today, start hour, room, seats): a past session, two coming ones and a small one that fills up.
PLAN = [(-7, 10, "зал 3", 20), (3, 15, "зал 3", 25), (10, 10, "зал 1", 25), (5, 18, "аудитория 12", 4)]


def _people(session, teams: range) -> list[User]:
    names = [f"Бригада {n}" for n in teams]
    return list(session.scalars(select(User).join(Team).where(Team.name.in_(names), User.role == "consultant")
                                .order_by(User.id)))


def _attend(session, seminar: SeminarSession, people: list[User], trainer: User) -> None:
    """Seats at a past session, marked by its trainer: every seventh late, every sixth absent."""
    for i, person in enumerate(people[:seminar.capacity]):
        mark = "absent" if i % 6 == 5 else "late" if i % 7 == 6 else "present"
        session.add(Booking(session_id=seminar.id, user_id=person.id, module_id=seminar.module_id, status="booked",
                            created_at=seminar.starts_at - timedelta(days=5), created_by_id=person.id,
                            seated_at=seminar.starts_at - timedelta(days=5), attendance=mark,
                            marked_at=seminar.starts_at + timedelta(minutes=10), marked_by_id=trainer.id,
                            mark_source="trainer"))
        seminar.booked += 1


def seed_seminars(session, password_hash: str) -> int:
    """Create the demo seminars once (none yet and the content loaded); returns how many sessions."""
    modules = list(session.scalars(select(Module).order_by(Module.position)))
    admin = session.scalar(select(User).filter_by(login="admin"))
    if not modules or admin is None or session.scalar(select(SeminarSession.id).limit(1)):
        return 0
    trainers = [User(login=login, full_name=name, role="trainer", password_hash=password_hash)
                for login, name in TRAINERS]
    session.add_all(trainers)
    session.flush()
    today, made = datetime.now(ALMATY).date(), []
    for i, module in enumerate(modules):
        for days, hour, room, seats in PLAN[:4 if i == 0 else 3]:
            spec = seminars.SessionSpec(module.id, today + timedelta(days=days + i), time(hour), 120, PLACE, room,
                                        trainers[i % 2].id, seats, "Возьмите паспорт и ручку.")
            made.append(seminars.save(session, None, spec, admin.id))
    now, attendees = utcnow(), []
    for i, seminar in enumerate(s for s in made if s.starts_at < utcnow()):
        people = _people(session, range(1 + 3 * i, 4 + 3 * i))
        _attend(session, seminar, people, seminar.trainer)
        attendees += [p.id for p in people]
    coming = [s for s in made if s.starts_at > now]
    for seminar, teams in zip(coming, (range(4, 6), range(6, 7), range(7, 8), range(8, 9), range(9, 10)),
                              strict=False):
        for person in _people(session, teams)[:6]:
            bookings.sign_up(session, seminar, person, person, now)
    qualification.refresh(session, attendees)
    session.commit()
    return len(made)

"""A consultant's seminar standing in each module, as every page says it: attended, a seat, a place on the
waiting list, absent, not marked yet, or nothing. Read in three queries whatever the number of people."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Booking, Module, SeminarSession
from ..models._types import utcnow
from ..models.seminar import ATTENDED
from .bookings import waiting_positions
from .calendar import ALMATY
from .qualification import rules, seminar_label

# The stronger standing wins when a consultant has several bookings of a module.
RANK = {"attended": 5, "booked": 4, "waiting": 3, "absent": 2, "unmarked": 1, "none": 0}
LABELS = {"attended": "посетил(а)", "booked": "есть место", "waiting": "лист ожидания", "absent": "не пришёл(ла)",
          "unmarked": "посещение не отмечено", "none": "нет записи"}


@dataclass
class Seat:
    state: str = "none"
    booking: Booking | None = None
    position: int = 0  # on the waiting list
    live: bool = False  # a seat at a session going on now: time to check in

    @property
    def label(self) -> str:
        """«посетил(а) семинар 12.12, зал 3», «есть место: 12.12 10:00, зал 3», «лист ожидания, № 2: 12.12»…"""
        if self.booking is None:
            return LABELS["none"]
        s = self.booking.seminar
        local = s.starts_at.astimezone(ALMATY)
        if self.state == "attended":
            return f"посетил(а) {seminar_label(s.starts_at, s.room, s.place)}"
        if self.state == "booked":
            moved = f" (из листа ожидания {self.booking.promoted_at.astimezone(ALMATY):%d.%m})" \
                if self.booking.promoted_at else ""
            return f"есть место: {local:%d.%m %H:%M}, {s.room or s.place}{moved}"
        if self.state == "waiting":
            return f"лист ожидания, № {self.position}: {local:%d.%m %H:%M}"
        return f"{LABELS[self.state]}: семинар {local:%d.%m}"


def state_of(booking: Booking, now: datetime) -> str:
    """The one definition of a booking's standing."""
    over = booking.seminar.ends_at <= now
    if booking.attendance in ATTENDED:
        return "attended"
    if booking.status in ("booked", "waiting") and not over:
        return booking.status
    if booking.attendance == "absent":
        return "absent"
    return "unmarked" if booking.status in ("booked", "lapsed") else "none"


def seats(session, user_ids, now: datetime | None = None) -> dict[tuple[int, int], Seat]:
    """{(user_id, module_id): Seat} for a select (or list) of user ids; missing means «нет записи»."""
    now = now or utcnow()
    rows = list(session.scalars(select(Booking).where(Booking.user_id.in_(user_ids), Booking.status != "cancelled")
                                .options(selectinload(Booking.seminar)).order_by(Booking.id)))
    waiting = [b.session_id for b in rows if b.status == "waiting"]
    positions = waiting_positions(session, waiting) if waiting else {}
    out: dict[tuple[int, int], Seat] = {}
    for b in rows:
        state = state_of(b, now)
        key = (b.user_id, b.module_id)
        if state != "none" and RANK[state] >= RANK[out.get(key, Seat()).state]:
            live = state == "booked" and b.seminar.starts_at <= now
            out[key] = Seat(state, b, positions.get(b.id, 0), live)
    return out


def has_place(seat: Seat | None) -> bool:
    """A seat, or a seminar attended: what the center's deadline list counts as «a seminar place»."""
    return bool(seat) and seat.state in ("attended", "booked")


@dataclass
class ModuleSeminars:
    """One module on a consultant's seminar page: where they stand, and the sessions they may sign up for."""

    module: Module
    rule: str
    seat: Seat
    sessions: list[SeminarSession]


def for_consultants(session, user_ids, now: datetime | None = None):
    """(modules with their rules, {(user_id, module_id): Seat}, {module_id: upcoming sessions}) for a page
    of one consultant or a team, in a fixed number of queries."""
    now = now or utcnow()
    modules = list(session.scalars(select(Module).order_by(Module.position)))
    rule_of = rules(session)
    upcoming: dict[int, list[SeminarSession]] = {}
    for s in session.scalars(select(SeminarSession).where(SeminarSession.starts_at > now)
                             .order_by(SeminarSession.starts_at)):
        upcoming.setdefault(s.module_id, []).append(s)
    return [(m, rule_of.get(m.id, "quiz")) for m in modules], seats(session, user_ids, now), upcoming


def for_consultant(session, user_id: int, now: datetime | None = None) -> list[ModuleSeminars]:
    modules, places, upcoming = for_consultants(session, [user_id], now)
    return [ModuleSeminars(m, rule, places.get((user_id, m.id), Seat()), upcoming.get(m.id, []))
            for m, rule in modules]

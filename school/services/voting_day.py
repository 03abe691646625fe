"""Voting days, station hours and the expected check-ins that exist before the day.

Times: a station's hours are Almaty wall-clock times on the day's date (Art. 38: 07:00–20:00 unless the
territorial commission moved them); the commission starts preparing an hour before opening (Art. 40), and
the count runs from closing for at most 12 hours (Art. 43), which is how long a device token lives.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..filters import ALMATY
from ..models import CheckIn, PollingStation, User, VotingDay
from ..models._types import utcnow
from . import audit
from .upsert import insert_missing

PREPARATION = timedelta(hours=1)
RED_BEFORE_OPENING = timedelta(minutes=30)
COUNT_HOURS = timedelta(hours=12)


class VotingDayError(ValueError):
    """A voting day that cannot be created as asked; the message is for the admin."""


def at(day: VotingDay, clock) -> datetime:
    """An Almaty wall-clock time on the day, as an aware datetime."""
    return datetime.combine(day.date, clock, tzinfo=ALMATY)


def opening(day: VotingDay, station: PollingStation) -> datetime:
    return at(day, station.opens_at)


def closing(day: VotingDay, station: PollingStation) -> datetime:
    return at(day, station.closes_at)


def count_ends(day: VotingDay, stations) -> datetime:
    """When the last of these stations' count may end (closing + 12 h); the day's end if there are none."""
    ends = [closing(day, s) + COUNT_HOURS for s in stations]
    return max(ends) if ends else at(day, datetime.max.time())


def today() -> date:
    return utcnow().astimezone(ALMATY).date()


def current_day(session) -> VotingDay | None:
    """Today's voting day, else the next one, else the latest past one."""
    days = list(session.scalars(select(VotingDay).order_by(VotingDay.date)))
    now = today()
    upcoming = [d for d in days if d.date >= now]
    return upcoming[0] if upcoming else (days[-1] if days else None)


def all_days(session) -> list[VotingDay]:
    return list(session.scalars(select(VotingDay).order_by(VotingDay.date.desc())))


def create_day(session, actor_id: int | None, when: date, title: str, rehearsal: bool = False) -> VotingDay:
    if session.scalar(select(VotingDay).filter_by(date=when)):
        raise VotingDayError(f"День {when:%d.%m.%Y} уже есть.")
    day = VotingDay(date=when, title=title.strip() or f"День голосования {when:%d.%m.%Y}", rehearsal=rehearsal)
    session.add(day)
    session.flush()
    created = sync_checkins(session, day)
    audit.record(session, actor_id, "voting_day.create", day=day.id, date=when.isoformat(), checkins=created)
    return day


def sync_checkins(session, day: VotingDay) -> int:
    """One expected check-in per active consultant with a station; idempotent (a re-run adds only the
    missing ones, and a consultant moved to another station gets a check-in there too). Returns how many
    check-ins the day has."""
    rows = session.execute(select(User.id, User.polling_station_id).where(
        User.role == "consultant", User.active.is_(True), User.polling_station_id.is_not(None))).all()
    for user_id, station_id in rows:
        insert_missing(session, CheckIn, ("voting_day_id", "consultant_id", "station_id"),
                       voting_day_id=day.id, consultant_id=user_id, station_id=station_id, observers={},
                       no_contact=False)
    session.flush()
    return len(session.scalars(select(CheckIn.id).filter_by(voting_day_id=day.id)).all())

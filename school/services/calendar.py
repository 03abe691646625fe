"""Days left to the qualification deadline and to voting day, in Almaty's calendar."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

ALMATY = ZoneInfo("Asia/Almaty")


@dataclass
class Countdown:
    election: date
    deadline: date
    days_to_election: int
    days_to_deadline: int


def countdown(election: str, deadline: str, today: date | None = None) -> Countdown:
    today = today or datetime.now(ALMATY).date()
    e, d = date.fromisoformat(election), date.fromisoformat(deadline)
    return Countdown(e, d, (e - today).days, (d - today).days)


def start_of_day(day: date) -> datetime:
    """Midnight in Almaty at the start of `day`, as an aware datetime (a law takes effect on a local date)."""
    return datetime.combine(day, datetime.min.time(), ALMATY)

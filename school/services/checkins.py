"""Check-ins on the day: a consultant (or the desk on their behalf) marks each stage at a station, with the
observers present at arrival; the desk flags «нет связи». The board shows each station of a team."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import CheckIn, CheckInEvent, PollingStation, VotingDay
from ..models._types import utcnow
from . import voting_day

# stage -> (column, label): the order of the day.
STAGES = {
    "arrived": ("arrived_at", "прибыл"),
    "opening": ("opening_at", "открытие видел"),
    "count": ("count_at", "подсчёт начался"),
    "protocol": ("protocol_at", "протокол получен"),
}
MAX_ORGANISATIONS = 20
MAX_OBSERVERS = 99


class CheckInError(ValueError):
    """A mark that cannot be made; the message is for the person making it."""


def own_checkins(session, day: VotingDay, user_id: int) -> list[CheckIn]:
    stmt = (select(CheckIn).options(selectinload(CheckIn.station))
            .filter_by(voting_day_id=day.id, consultant_id=user_id).order_by(CheckIn.id))
    return list(session.scalars(stmt))


def parse_observers(pairs: list[tuple[str, str]]) -> dict[str, int]:
    """(organisation, count) rows of a form → {organisation: count}; empty rows are skipped."""
    result: dict[str, int] = {}
    for name, raw in pairs:
        name = " ".join((name or "").split())[:200]
        raw = (raw or "").strip()
        if not name and not raw:
            continue
        if not name:
            raise CheckInError("Укажите организацию для каждого числа наблюдателей.")
        if not raw.isdigit() or not 0 <= int(raw) <= MAX_OBSERVERS:
            raise CheckInError(f"«{name}»: число наблюдателей от 0 до {MAX_OBSERVERS}.")
        result[name] = result.get(name, 0) + int(raw)
    if len(result) > MAX_ORGANISATIONS:
        raise CheckInError(f"Не больше {MAX_ORGANISATIONS} организаций.")
    return result


def mark(session, checkin: CheckIn, stage: str, actor_id: int, channel: str,
         observers: dict[str, int] | None = None, when: datetime | None = None) -> None:
    """Mark a stage (again: the time is kept from the first mark); arrival may carry the observers."""
    if stage not in STAGES:
        raise CheckInError("Неизвестный этап.")
    column = STAGES[stage][0]
    now = when or utcnow()
    if getattr(checkin, column) is None:
        setattr(checkin, column, now)
    if observers is not None:
        checkin.observers = observers
    checkin.no_contact = False  # someone reached them
    session.add(CheckInEvent(checkin_id=checkin.id, actor_id=actor_id, channel=channel, action=stage, at=now,
                             details={"observers": observers} if observers is not None else {}))


def set_no_contact(session, checkin: CheckIn, value: bool, actor_id: int) -> None:
    checkin.no_contact = value
    session.add(CheckInEvent(checkin_id=checkin.id, actor_id=actor_id, channel="web",
                             action="no_contact" if value else "contact"))


@dataclass
class StationRow:
    station: PollingStation
    checkins: list[CheckIn] = field(default_factory=list)
    opens: datetime | None = None
    closes: datetime | None = None
    state: str = "waiting"  # waiting, missing (red), present

    @property
    def label(self) -> str:
        return {"waiting": "никого пока нет", "missing": "никого нет", "present": "на месте"}[self.state]


def board(session, day: VotingDay, team_id: int | None = None, district_id: int | None = None) -> list[StationRow]:
    """Each station (of a team, a district or all) with its check-ins; stations nobody reached come first,
    red («missing») from 30 minutes before the station's opening. Two queries."""
    stmt = select(PollingStation).options(selectinload(PollingStation.team)).order_by(PollingStation.number)
    if team_id is not None:
        stmt = stmt.filter_by(team_id=team_id)
    if district_id is not None:
        stmt = stmt.filter_by(district_id=district_id)
    stations = list(session.scalars(stmt))
    checkins = session.scalars(select(CheckIn).options(selectinload(CheckIn.consultant)).where(
        CheckIn.voting_day_id == day.id, CheckIn.station_id.in_([s.id for s in stations])))
    rows = {s.id: StationRow(s, opens=voting_day.opening(day, s), closes=voting_day.closing(day, s))
            for s in stations}
    for c in checkins:
        rows[c.station_id].checkins.append(c)
    now = utcnow()
    for row in rows.values():
        if any(c.arrived_at for c in row.checkins):
            row.state = "present"
        elif now >= row.opens - voting_day.RED_BEFORE_OPENING:
            row.state = "missing"
    order = {"missing": 0, "waiting": 1, "present": 2}
    return sorted(rows.values(), key=lambda r: (order[r.state], r.station.number))

"""Numbers for the center: each session's fill and attendance, no-shows per team, and, near the
qualification deadline, the consultants with neither a seminar place nor the online part."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..models import Booking, District, Module, Qualification, SeminarSession, Team, User
from ..models._types import utcnow
from ..models.seminar import ATTENDED
from . import qualification, seminars
from .seats import has_place, seats


@dataclass
class SessionLine:
    seminar: SeminarSession
    booked: int = 0
    waiting: int = 0
    attended: int = 0
    absent: int = 0
    over: bool = False

    @property
    def fill(self) -> int:
        return round(100 * self.booked / self.seminar.capacity)

    @property
    def attendance(self) -> int | None:
        """Attended of those with a seat, once the session is over."""
        return round(100 * self.attended / self.booked) if self.over and self.booked else None


def session_lines(session, now: datetime | None = None) -> list[SessionLine]:
    """Every session with its counts, in four queries."""
    now = now or utcnow()
    lines = {s.id: SessionLine(s, over=s.ends_at <= now) for s in seminars.everything(session)}
    counts = select(Booking.session_id, Booking.status, Booking.attendance, func.count()).where(
        Booking.status.in_(("booked", "waiting", "lapsed"))).group_by(
        Booking.session_id, Booking.status, Booking.attendance)
    for seminar_id, status, attendance, n in session.execute(counts):
        line = lines[seminar_id]
        if status == "waiting":
            line.waiting += n
            continue
        line.booked += n
        line.attended += n if attendance in ATTENDED else 0
        line.absent += n if attendance == "absent" else 0
    return list(lines.values())


@dataclass
class TeamNoShows:
    district: str
    team: str
    booked: int = 0
    attended: int = 0
    absent: int = 0
    unmarked: int = 0

    @property
    def no_shows(self) -> int:
        return self.absent + self.unmarked


def no_shows(session, now: datetime | None = None) -> list[TeamNoShows]:
    """Per team, over the sessions that are over: seats, attended, absent and not marked, in one query."""
    stmt = (select(District.name, Team.name, Booking.attendance, func.count())
            .join(SeminarSession, SeminarSession.id == Booking.session_id).join(User, User.id == Booking.user_id)
            .join(Team, Team.id == User.team_id).join(District, District.id == Team.district_id)
            .where(Booking.status.in_(("booked", "lapsed")), SeminarSession.ends_at <= (now or utcnow()))
            .group_by(District.name, Team.name, Booking.attendance).order_by(District.name, Team.name))
    teams: dict[tuple[str, str], TeamNoShows] = {}
    for district, team, attendance, n in session.execute(stmt):
        row = teams.setdefault((district, team), TeamNoShows(district, team))
        row.booked += n
        if attendance in ATTENDED:
            row.attended += n
        elif attendance == "absent":
            row.absent += n
        else:
            row.unmarked += n
    return sorted(teams.values(), key=lambda t: (-t.no_shows, t.district, t.team))


def alert_open(today: date, deadline: date, days: int) -> bool:
    """From `days` before the qualification deadline the center sees who has no way to study yet."""
    return today >= deadline - timedelta(days=days)


@dataclass
class MissingRow:
    consultant: User
    modules: list[str]  # titles of the modules with neither a seminar place nor the online part
    seats: list[str] = field(default_factory=list)  # what each of them stands at («лист ожидания, № 2: …»)


@dataclass
class DistrictMissing:
    district: str
    rows: list[MissingRow]


def missing(session, now: datetime | None = None) -> list[DistrictMissing]:
    """Consultants not qualified who, in a module of a required quiz, have neither a seminar place (a seat or
    a seminar attended) nor every section read, by district; in a fixed number of queries."""
    people = list(session.scalars(
        select(User).join(Team, Team.id == User.team_id).join(District, District.id == Team.district_id)
        .outerjoin(Qualification, Qualification.user_id == User.id)
        .where(User.role == "consultant", User.active,
               func.coalesce(Qualification.status, "not_started").not_in(qualification.QUALIFIED))
        .options(selectinload(User.team).selectinload(Team.district), selectinload(User.polling_station))
        .order_by(District.name, User.full_name)))
    ids = [u.id for u in people]
    module_ids = qualification.required_module_ids(session)
    modules = [m for m in session.scalars(select(Module).order_by(Module.position)) if m.id in module_ids]
    places, parts = seats(session, ids, now), qualification.study_parts(session, ids)
    out: dict[str, DistrictMissing] = {}
    for user in people:
        lacking = [m for m in modules if not has_place(places.get((user.id, m.id)))
                   and not getattr(parts.get((user.id, m.id)), "online_at", None)]
        if lacking:
            row = MissingRow(user, [m.title for m in lacking],
                             [places[(user.id, m.id)].label for m in lacking if (user.id, m.id) in places])
            name = user.team.district.name
            out.setdefault(name, DistrictMissing(name, [])).rows.append(row)
    return list(out.values())


def missing_table(districts: list[DistrictMissing]) -> list[list]:
    """The deadline list as exported (CSV through export.table_csv)."""
    table = [["Район", "Бригада", "Консультант", "Логин", "Участок", "Модули без семинара и онлайн-части", "Запись"]]
    for d in districts:
        for r in d.rows:
            station = r.consultant.polling_station.number if r.consultant.polling_station else ""
            table.append([d.district, r.consultant.team.name, r.consultant.full_name, r.consultant.login, station,
                          "; ".join(r.modules), "; ".join(r.seats)])
    return table

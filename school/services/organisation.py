"""Districts, teams and polling stations as the center manages them."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import District, PollingStation, Qualification, Team, User


class OrganisationError(ValueError):
    """A rule about districts, teams or stations was broken; shown to the admin."""


@dataclass
class TeamSummary:
    team: Team
    coordinator: User | None
    consultants: int
    qualified: int
    stations: int
    covered: int
    started: int = 0
    needs_update: int = 0

    @property
    def counts(self):
        return {"qualified": self.qualified, "needs_update": self.needs_update,
                "in_progress": self.started - self.qualified - self.needs_update,
                "not_started": self.consultants - self.started}


@dataclass
class DistrictSummary:
    district: District
    teams: list[TeamSummary]

    def total(self, name):
        return sum(getattr(t, name) for t in self.teams)

    @property
    def counts(self):
        return {k: sum(t.counts[k] for t in self.teams) for k in ("qualified", "needs_update", "in_progress",
                                                                    "not_started")}


def overview(session) -> list[DistrictSummary]:
    """Every district with its teams' counts, in a fixed number of queries."""
    districts = list(session.scalars(select(District).options(selectinload(District.teams)).order_by(District.name)))
    people = list(session.execute(select(User.id, User.team_id, User.role, User.polling_station_id, User.full_name,
                                         Qualification.status)
                                  .outerjoin(Qualification, Qualification.user_id == User.id)
                                  .where(User.team_id.is_not(None))))
    stations = list(session.execute(select(PollingStation.id, PollingStation.team_id)))
    coordinators = {c.team_id: c for c in session.scalars(select(User).where(User.role == "coordinator"))}
    members_of, stations_of = defaultdict(list), defaultdict(set)
    for p in people:
        if p.role == "consultant":
            members_of[p.team_id].append(p)
    for s in stations:
        stations_of[s.team_id].add(s.id)
    out = []
    for d in districts:
        rows = []
        for t in d.teams:
            members = members_of[t.id]
            ok = [p for p in members if p.status == "qualified"]
            team_stations = stations_of[t.id]
            covered = {p.polling_station_id for p in ok} & team_stations
            rows.append(TeamSummary(t, coordinators.get(t.id), len(members), len(ok), len(team_stations), len(covered),
                                    sum(1 for p in members if p.status not in (None, "not_started")),
                                    sum(1 for p in members if p.status == "needs_update")))
        out.append(DistrictSummary(d, rows))
    return out


def create_district(session, name: str) -> District:
    name = name.strip()
    # Compared in Python: SQLite's lower() leaves Cyrillic as it is.
    if name.casefold() in {n.casefold() for n in session.scalars(select(District.name))}:
        raise OrganisationError(f"Район «{name}» уже есть.")
    district = District(name=name)
    session.add(district)
    return district


def create_team(session, district: District, name: str) -> Team:
    name = name.strip()
    if session.scalar(select(Team.id).filter_by(district_id=district.id, name=name)):
        raise OrganisationError(f"Бригада «{name}» уже есть в этом районе.")
    team = Team(district=district, name=name)
    session.add(team)
    return team


def save_station(session, station: PollingStation | None, district: District, number: int,
                 address: str, team: Team | None) -> PollingStation:
    clash = session.scalar(select(PollingStation).filter_by(district_id=district.id, number=number))
    if clash is not None and clash is not station:
        raise OrganisationError(f"Участок № {number} уже есть в этом районе.")
    if team is not None and team.district_id != district.id:
        raise OrganisationError("Бригада должна быть из того же района, что и участок.")
    station = station or PollingStation()
    station.district, station.number, station.address, station.team = district, number, address.strip(), team
    session.add(station)
    return station


def check_assignment(session, user: User, role: str, team: Team | None, station: PollingStation | None):
    """A coordinator leads one team and a team has one coordinator; a station belongs to the user's team."""
    if role in ("coordinator", "consultant") and team is None:
        raise OrganisationError("Укажите бригаду.")
    if role == "coordinator":
        other = session.scalar(select(User).filter_by(team_id=team.id, role="coordinator"))
        if other is not None and other is not user:
            raise OrganisationError(f"У бригады уже есть координатор: {other.full_name}.")
    if station is not None and (team is None or station.team_id not in (None, team.id)):
        raise OrganisationError("Участок закреплён за другой бригадой.")

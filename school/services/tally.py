"""The center's tally of one contest: every station in scope with its copy's states and figures, loaded in a
fixed number of queries whatever the number of stations; totals and shares by district and for the city,
turnout; what is not in the totals is counted, never silently dropped."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, select

from ..models import Contest, District, PollingStation, ProtocolCopy, ProtocolEntry, ProtocolVersion, RelationCheck
from .protocol_status import is_counted


@dataclass
class Row:
    """One station's protocol of the contest (copy_id None: nothing entered)."""

    station_id: int
    number: int
    district_id: int
    district: str
    team_id: int | None
    copy_id: int | None = None
    state: str = "none"
    verdict: str | None = None
    quarantined: bool = False
    version: int = 0
    values: dict | None = None  # the agreed version, else the first entry
    verified: set = field(default_factory=set)

    @property
    def counted(self) -> bool:
        return is_counted(self.state, self.verdict, self.quarantined)


def load(session, contest: Contest, district_ids=None) -> list[Row]:
    """Every station (of these districts, or all) with its copy of this contest: three queries at most."""
    stmt = (select(PollingStation.id, PollingStation.number, PollingStation.district_id, District.name,
                   PollingStation.team_id, ProtocolCopy.id, ProtocolCopy.state, ProtocolCopy.verdict,
                   ProtocolCopy.quarantined, ProtocolCopy.version, ProtocolVersion.values)
            .join(District, District.id == PollingStation.district_id)
            .outerjoin(ProtocolCopy, and_(ProtocolCopy.station_id == PollingStation.id,
                                          ProtocolCopy.contest_id == contest.id))
            .outerjoin(ProtocolVersion, and_(ProtocolVersion.copy_id == ProtocolCopy.id,
                                             ProtocolVersion.version == ProtocolCopy.version))
            .order_by(District.name, PollingStation.number))
    if district_ids is not None:
        stmt = stmt.where(PollingStation.district_id.in_(set(district_ids) or {-1}))
    rows = []
    for sid, number, did, dname, tid, cid, state, verdict, quarantined, version, values in session.execute(stmt):
        rows.append(Row(sid, number, did, dname, tid, cid, state or "none", verdict, bool(quarantined),
                        version or 0, values))
    _first_entries(session, contest, rows)
    _checks(session, contest, rows)
    return rows


def _first_entries(session, contest: Contest, rows: list[Row]) -> None:
    """Figures of copies not yet agreed: their latest round-1 entry."""
    pending = {r.copy_id: r for r in rows if r.copy_id and r.values is None}
    if not pending:
        return
    stmt = (select(ProtocolEntry.copy_id, ProtocolEntry.version, ProtocolEntry.values)
            .join(ProtocolCopy, ProtocolCopy.id == ProtocolEntry.copy_id)
            .where(ProtocolCopy.contest_id == contest.id, ProtocolCopy.version == 0, ProtocolEntry.round == 1)
            .order_by(ProtocolEntry.copy_id, ProtocolEntry.version))
    for copy_id, _, values in session.execute(stmt):
        if copy_id in pending:
            pending[copy_id].values = values  # ordered by version: the latest wins


def _checks(session, contest: Contest, rows: list[Row]) -> None:
    """Relations checked on the photo for each copy's current version."""
    by_copy = {r.copy_id: r for r in rows if r.copy_id and r.version}
    if not by_copy:
        return
    stmt = (select(RelationCheck.copy_id, RelationCheck.relation_id)
            .join(ProtocolCopy, and_(ProtocolCopy.id == RelationCheck.copy_id,
                                     ProtocolCopy.version == RelationCheck.version))
            .where(ProtocolCopy.contest_id == contest.id))
    for copy_id, relation_id in session.execute(stmt):
        if copy_id in by_copy:
            by_copy[copy_id].verified.add(relation_id)


@dataclass
class Totals:
    """Sums over the counted protocols of a district (or the city), and how many are not in them and why."""

    name: str
    stations: int = 0
    states: dict = field(default_factory=lambda: defaultdict(int))
    counted: int = 0
    quarantined: int = 0
    rejected: int = 0
    sums: dict = field(default_factory=lambda: defaultdict(int))
    turnout_electorate: int = 0
    turnout_voted: int = 0

    def add(self, row: Row, codes: list[str], electorate: str | None, voted: str | None) -> None:
        self.stations += 1
        self.states[row.state] += 1
        if row.verdict == "rejected":
            self.rejected += 1
        elif row.quarantined:
            self.quarantined += 1
        if not row.counted:
            return
        self.counted += 1
        values = row.values or {}
        for code in codes:
            if values.get(code) is not None:
                self.sums[code] += values[code]
        if electorate and voted and values.get(electorate) and values.get(voted) is not None:
            self.turnout_electorate += values[electorate]
            self.turnout_voted += values[voted]

    @property
    def turnout(self) -> float | None:
        return 100 * self.turnout_voted / self.turnout_electorate if self.turnout_electorate else None

    def shares(self, choices: list[str]) -> dict[str, float | None]:
        base = sum(self.sums.get(code, 0) for code in choices)
        return {code: (100 * self.sums.get(code, 0) / base if base else None) for code in choices}

    @property
    def not_in(self) -> int:
        """Stations whose protocol is not in the totals, whatever the reason."""
        return self.stations - self.counted


@dataclass
class Tally:
    contest: Contest
    city: Totals
    districts: list[Totals]
    choices: list[str]


def line_roles(contest: Contest) -> tuple[str | None, str | None, list[str]]:
    """(the electorate line, the line of voters who received ballots, the choice lines) of a contest."""
    electorate = next((x.code for x in contest.lines if x.kind == "electorate"), None)
    voted = next((x.code for x in contest.lines if x.kind == "voted"), None)
    return electorate, voted, [x.code for x in contest.lines if x.kind == "choice"]


def totals(contest: Contest, rows: list[Row]) -> Tally:
    codes = [x.code for x in contest.lines]
    electorate, voted, choices = line_roles(contest)
    city = Totals("Весь город")
    districts: dict[int, Totals] = {}
    for row in rows:
        city.add(row, codes, electorate, voted)
        districts.setdefault(row.district_id, Totals(row.district)).add(row, codes, electorate, voted)
    return Tally(contest, city, sorted(districts.values(), key=lambda t: t.name), choices)


def station_turnout(values: dict | None, electorate: str | None, voted: str | None) -> float | None:
    if not values or not electorate or not voted or not values.get(electorate) or values.get(voted) is None:
        return None
    return 100 * values[voted] / values[electorate]

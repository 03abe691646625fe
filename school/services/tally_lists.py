"""The list of stations a person sees in the tally, each with its protocols' states and flags: a consultant's
own stations, a coordinator's team, a district for the center. Flags are computed over whole districts (a
turnout is compared with its district's median), then kept for the stations in view."""

from dataclasses import dataclass, field

from ..models import Election, User
from . import protocol_copies, tally, tally_flags


@dataclass
class StationLine:
    station_id: int
    number: int
    district: str
    address: str
    protocols: list = field(default_factory=list)  # [(contest, tally.Row, [Flag])]

    @property
    def flagged(self) -> bool:
        return any(flags for _, _, flags in self.protocols)


def station_list(session, user: User, election: Election, rules: tally_flags.Rules,
                 district_id: int | None = None) -> list[StationLine]:
    stations = protocol_copies.stations_of(session, user, election, district_id)
    lines = {s.id: StationLine(s.id, s.number, s.district.name, s.address) for s in stations}
    districts = {s.district_id for s in stations}
    for contest in election.contests:
        rows = tally.load(session, contest, districts)
        flagged = {} if user.role == "consultant" else {  # a consultant's list shows states only
            f.row.station_id: f.flags for f in tally_flags.flags(contest, rows, rules)}
        for row in rows:
            if row.station_id in lines:
                lines[row.station_id].protocols.append((contest, row, flagged.get(row.station_id, [])))
    return list(lines.values())


def station_flags(session, election: Election, station, rules: tally_flags.Rules) -> dict[int, list]:
    """{contest id: flags} of one station (for its printable card), computed over its district."""
    result = {}
    for contest in election.contests:
        rows = tally.load(session, contest, {station.district_id})
        flagged = {f.row.station_id: f.flags for f in tally_flags.flags(contest, rows, rules)}
        result[contest.id] = flagged.get(station.id, [])
    return result

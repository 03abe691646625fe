"""Which stations to look at: a failed control relation (flagged, or verified on the photo: a finding), a
turnout far from the district's median, or several lines identical to another station's. Rejected protocols are
left out. Relations are checked on the agreed figures, else on the first entry (said so; only the relation's
message is shown, so the second entry stays blind); turnout and identical lines on agreed figures only."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from ..models import Contest
from . import elections, protocol_status
from .tally import Row, line_roles, station_turnout

FLAG_KINDS = {"relation": "соотношение", "turnout": "явка", "identical": "совпадение строк"}
# A value that more stations than this share is common (e.g. a round number of ballots), not one station copied
# from another; leaving it out also keeps the pair count small for 10,000 stations.
COMMON_VALUE_STATIONS = 50


@dataclass(frozen=True)
class Rules:
    turnout_points: float = 15.0
    identical_lines: int = 3
    identical_min_value: int = 10

    @classmethod
    def from_config(cls, config) -> "Rules":
        return cls(config["TALLY_TURNOUT_POINTS"], config["TALLY_IDENTICAL_LINES"],
                   config["TALLY_IDENTICAL_MIN_VALUE"])


@dataclass
class Flag:
    kind: str
    text: str
    code: str = ""  # the relation's code, or the other station's number

    @property
    def label(self) -> str:
        return FLAG_KINDS[self.kind]


@dataclass
class Flagged:
    row: Row
    flags: list[Flag] = field(default_factory=list)


def flags(contest: Contest, rows: list[Row], rules: Rules) -> list[Flagged]:
    """The flagged stations, most flags first."""
    considered = [r for r in rows if r.values is not None and r.verdict != "rejected"]
    agreed = [r for r in considered if r.version]
    found: dict[int, Flagged] = {}

    def add(row: Row, flag: Flag) -> None:
        found.setdefault(row.station_id, Flagged(row)).flags.append(flag)

    _relations(contest, considered, add)
    _turnout(contest, agreed, rules, add)
    _identical(contest, agreed, rules, add)
    return sorted(found.values(), key=lambda f: (-len(f.flags), f.row.district, f.row.number))


def _relations(contest: Contest, rows: list[Row], add) -> None:
    compiled = elections.compiled(contest)
    for row in rows:
        for state in protocol_status.evaluate(compiled, row.values, row.verified):
            if state.state in ("flagged", "verified"):
                note = " (проверено по фото)" if state.state == "verified" else ""
                note += "" if row.version else " (по первому вводу, не сверено)"
                add(row, Flag("relation", f"{state.relation.message}{note}", state.relation.code))


def _turnout(contest: Contest, rows: list[Row], rules: Rules, add) -> None:
    electorate, voted, _ = line_roles(contest)
    turnouts = {r.station_id: station_turnout(r.values, electorate, voted) for r in rows}
    by_district = defaultdict(list)
    for row in rows:
        if turnouts[row.station_id] is not None:
            by_district[row.district_id].append(turnouts[row.station_id])
    medians = {d: statistics.median(values) for d, values in by_district.items()}
    for row in rows:
        turnout, median = turnouts[row.station_id], medians.get(row.district_id)
        if turnout is not None and abs(turnout - median) > rules.turnout_points:
            add(row, Flag("turnout", f"явка {_one(turnout)} % при медиане района {_one(median)} %"))


def _one(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _identical(contest: Contest, rows: list[Row], rules: Rules, add) -> None:
    codes = [x.code for x in contest.lines]
    buckets = defaultdict(list)
    for i, row in enumerate(rows):
        for code in codes:
            value = row.values.get(code)
            if value is not None and value >= rules.identical_min_value:
                buckets[(code, value)].append(i)
    pairs = Counter()
    for members in buckets.values():
        if 1 < len(members) <= COMMON_VALUE_STATIONS:
            pairs.update(combinations(members, 2))
    hits = sorted((pair, shared) for pair, shared in pairs.items() if shared >= rules.identical_lines)
    for (a, b), shared in hits:
        add(rows[a], Flag("identical", f"{shared} строк совпадают с участком № {rows[b].number}",
                          str(rows[b].number)))
        add(rows[b], Flag("identical", f"{shared} строк совпадают с участком № {rows[a].number}",
                          str(rows[a].number)))

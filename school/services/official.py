"""The official per-station figures, imported later from the commission's published table (CSV or XLSX), and
every difference from the center's agreed figures, line by line.

File: a header row `район;участок;протокол;<line code>;<line code>…` (протокол: the contest's code; the line
columns by their codes, in any order, unknown columns refused), one row per station and contest. A file with
any error imports nothing; importing again replaces a station's official figures (the audit log keeps who and
when)."""

from dataclasses import dataclass

from sqlalchemy import select

from ..models import Contest, District, Election, OfficialResult, PollingStation
from ..models._types import utcnow
from . import audit
from .importer.parse import read_records
from .protocol_values import ValueProblem, parse_value
from .tally import Row

KEYS = {"район": "district", "district": "district", "участок": "station", "station": "station",
        "протокол": "contest", "contest": "contest"}


class OfficialError(ValueError):
    """The file cannot be imported; `problems` lists each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def _header(cells: list[str], codes: set[str]) -> tuple[dict[str, int], dict[str, int], list[str]]:
    keys, lines, problems = {}, {}, []
    for i, cell in enumerate(cells):
        name = cell.strip().lower()
        if name in KEYS:
            keys[KEYS[name]] = i
        elif name in codes:
            lines[name] = i
        elif name:
            problems.append(f"строка 1: неизвестный столбец «{cell.strip()}» (ни одна строка протокола "
                            "не имеет такого кода)")
    problems += [f"строка 1: нет столбца «{title}»" for key, title in
                 (("district", "район"), ("station", "участок"), ("contest", "протокол")) if key not in keys]
    return keys, lines, problems


def import_file(session, actor_id: int, election: Election, filename: str, data: bytes) -> int:
    """Import the official figures of the election's contests; returns how many station protocols."""
    try:
        records = read_records(filename, data)
    except ValueError as error:
        raise OfficialError([str(error)]) from error
    if not records:
        raise OfficialError(["файл пуст"])
    contests = {c.code: c for c in election.contests}
    codes = {x.code for c in election.contests for x in c.lines}
    keys, columns, problems = _header(records[0][1], codes)
    if problems:
        raise OfficialError(problems)
    lookup = _Lookup({d.name.lower(): d.id for d in session.scalars(select(District))},
                     {(s.district_id, s.number): s.id for s in session.scalars(select(PollingStation))}, contests)
    parsed, seen = [], set()
    for line, cells in records[1:]:
        row = _parse_row(line, [c.strip() for c in cells], keys, columns, lookup, problems)
        if row is None:
            continue
        if row[:2] in seen:
            problems.append(f"строка {line}: этот участок и протокол уже были выше")
        seen.add(row[:2])
        parsed.append(row)
    if problems:
        raise OfficialError(problems)
    _store(session, parsed, actor_id, filename)
    audit.record(session, actor_id, "official.import", election=election.id, rows=len(parsed), file=filename[:200])
    return len(parsed)


@dataclass
class _Lookup:
    districts: dict
    stations: dict
    contests: dict


def _parse_row(line: int, cells: list[str], keys: dict, columns: dict, lookup: _Lookup, problems: list):
    """(station id, contest id, values) of a row, or None with its problem noted."""
    def cell(i: int) -> str:
        return cells[i] if i < len(cells) else ""
    district = lookup.districts.get(" ".join(cell(keys["district"]).split()).lower())
    number, contest = cell(keys["station"]), lookup.contests.get(cell(keys["contest"]))
    station = lookup.stations.get((district, int(number))) if district and number.isdigit() else None
    if district is None or station is None or contest is None:
        what = "район" if district is None else "участок" if station is None else "протокол (код)"
        problems.append(f"строка {line}: не найден {what}")
        return None
    values = {}
    for x in contest.lines:
        try:
            values[x.code] = parse_value(cell(columns[x.code])) if x.code in columns else None
        except ValueProblem as problem:
            problems.append(f"строка {line}, «{x.code}»: {problem}")
    return station, contest.id, values


def _store(session, parsed: list, actor_id: int, filename: str) -> None:
    existing = {(r.station_id, r.contest_id): r for r in session.scalars(select(OfficialResult).where(
        OfficialResult.contest_id.in_({contest for _, contest, _ in parsed} or {-1})))}
    now = utcnow()
    for station, contest, values in parsed:
        row = existing.get((station, contest)) or OfficialResult(station_id=station, contest_id=contest)
        row.values, row.imported_at, row.imported_by_id, row.source = values, now, actor_id, filename[:300]
        session.add(row)
    session.flush()


@dataclass
class Difference:
    row: Row
    code: str
    title: str
    ours: int | None
    official: int | None


@dataclass
class Comparison:
    differences: list[Difference]
    same: int  # stations whose agreed figures equal the official ones on every line
    not_agreed: list[Row]  # official figures, but our protocol is not agreed (yet)
    no_official: int  # our agreed protocols without official figures


def compare(session, contest: Contest, rows: list[Row]) -> Comparison:
    """Every line where the agreed figures and the official ones differ, station by station."""
    official = dict(session.execute(select(OfficialResult.station_id, OfficialResult.values)
                                    .filter_by(contest_id=contest.id)).all())
    differences, same, not_agreed, no_official = [], 0, [], 0
    for row in rows:
        theirs = official.get(row.station_id)
        if theirs is None:
            no_official += row.state == "reconciled"
            continue
        if row.state != "reconciled":
            not_agreed.append(row)
            continue
        found = [Difference(row, x.code, f"{x.number} {x.title}".strip(), row.values.get(x.code),
                            theirs.get(x.code)) for x in contest.lines if row.values.get(x.code) != theirs.get(x.code)]
        differences += found
        same += not found
    return Comparison(differences, same, not_agreed, no_official)

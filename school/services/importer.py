"""Bulk import of districts, polling stations, coordinators and consultants from CSV or XLSX.

File format
-----------
One row per person or per polling station. Row 1 is the header (it is "line 1" in error messages);
columns may come in any order, names are compared without case, «ё» and punctuation; unknown columns
are ignored. The expected header (Russian; English aliases accepted)::

    район;бригада;участок;адрес;роль;логин;фио

=========  ========================================  ====================================================
Column     Also accepted                             Meaning
=========  ========================================  ====================================================
район      district                                  district name; required in every row
бригада    team, команда                             team (brigade) of that district; required for people
участок    № участка, номер участка, station,        station number (a positive integer) in that
           station number, polling station           district; required for consultants, empty for
                                                     coordinators
адрес      адрес участка, address                    station address; optional (empty keeps the address)
роль       role                                      «консультант» / «координатор» (consultant /
                                                     coordinator); empty: a row about a station or team
логин      login, username                           required for people: ASCII letters, digits and
                                                     . _ @ - (stored in lower case)
фио        ф.и.о., full name, full_name, name, имя   required for people
=========  ========================================  ====================================================

Kinds of rows:

* consultant — район, бригада, участок, логин, фио. A new station is created; the station must belong to
  the consultant's team (or to no team yet: then it is given to that team).
* coordinator — район, бригада, логин, фио, участок empty. A team has at most one coordinator.
* station — роль empty, участок filled: creates the station or updates its address; with бригада it
  assigns the station to that team (the only way to move a station to another team).
* team — роль and участок empty, бригада filled: creates the team; only район: creates the district.

CSV: UTF-8 with or without BOM, delimiter «;» or «,» (whichever the header line has more of), quoting
as Excel writes it. XLSX: the first sheet, header in row 1, cached values of formulas. Blank rows are
skipped; spaces are trimmed and runs of spaces collapsed.

Matching, so that importing the same file again changes nothing: districts by name, teams by (district,
name), stations by (district, number) — names compared case-insensitively, as the admin forms do —,
people by login. Existing people keep their password, `active` flag and sessions, and may change role
between coordinator and consultant (listed in `ImportPlan.changes`); admins are never touched. New people
get no password (password_hash ""): they are to receive an invitation link. Whatever is in the database
but not in the file is left as it is.

Use::

    rows, errors = parse_file(filename, data)
    plan = plan_import(session, rows, errors)   # dry run: reads the database, writes nothing
    if plan.ok:
        result = apply_import(session, plan)     # one transaction, bulk statements, commits

or `import_file(session, filename, data, dry_run=...)` for both steps. Apply a plan right after making it,
in the same session: a plan made earlier may no longer match the database.
"""

import csv
import io
import re
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import PurePath

from openpyxl import load_workbook
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..models import District, PollingStation, Team, User
from ..models._types import utcnow

Progress = Callable[[int, int], None]
CHUNK = 1000  # rows per bulk statement and per progress call
MAX_ROWS = 100_000
KINDS = ("districts", "teams", "stations", "coordinators", "consultants")
KIND_NAMES = {"districts": "Районы", "teams": "Бригады", "stations": "Участки",
              "coordinators": "Координаторы", "consultants": "Консультанты"}
FIELDS = ("district", "team", "station", "address", "role", "login", "full_name")
COLUMNS = {
    "district": ("район", "district"),
    "team": ("бригада", "team", "команда"),
    "station": ("участок", "№ участка", "номер участка", "station", "station number", "polling station"),
    "address": ("адрес", "адрес участка", "address"),
    "role": ("роль", "role"),
    "login": ("логин", "login", "username"),
    "full_name": ("фио", "ф.и.о.", "full name", "full_name", "name", "имя"),
}
TITLES = {name: aliases[0] for name, aliases in COLUMNS.items()}
ROLE_WORDS = {"консультант": "consultant", "consultant": "consultant",
              "координатор": "coordinator", "coordinator": "coordinator"}
ROLE_NAMES = {"consultant": "консультант", "coordinator": "координатор", "admin": "администратор"}
REQUIRED = {"consultant": ("district", "team", "station", "login", "full_name"),
            "coordinator": ("district", "team", "login", "full_name"),
            "station": ("district", "station"), "team": ("district", "team"), "district": ("district",)}
LIMITS = {"district": 200, "team": 200, "address": 300, "login": 120, "full_name": 200}
LOGIN_RE = re.compile(r"[a-z0-9._@-]+")
EXCEL_ERRORS = {"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#num!", "#null!", "#spill!", "#calc!"}
MAX_STATION = 2**31 - 1


class ImportRefused(ValueError):
    """The plan cannot be applied (it has errors or was applied already); the message is for the admin."""


class ImportFailed(RuntimeError):
    """The database refused the import (it changed meanwhile); nothing was saved."""


class _FileProblem(ValueError):
    """The whole file cannot be read."""


@dataclass(slots=True)
class Row:
    """One data row of the file as text, trimmed; `problems` are what parsing found wrong with it."""

    line: int
    district: str = ""
    team: str = ""
    station: str = ""
    address: str = ""
    role: str = ""
    login: str = ""
    full_name: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong, and on which line of the spreadsheet (the header is line 1)."""

    line: int
    message: str

    def __str__(self):
        return f"Строка {self.line}: {self.message}"


@dataclass(slots=True)
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    """An update of something that exists: `name` is a login or «№ N, район»."""

    line: int
    kind: str
    name: str
    message: str
    role_change: bool = False

    def __str__(self):
        return f"Строка {self.line}: {self.name}: {self.message}"


@dataclass(slots=True)
class _Rec:
    """A valid row with its matching keys; `kind` is consultant, coordinator, station, team or district."""

    line: int
    kind: str
    district: str
    dkey: str
    team: str = ""
    tkey: tuple | None = None
    number: int | None = None
    skey: tuple | None = None
    address: str = ""
    login: str = ""
    full_name: str = ""


@dataclass(slots=True)
class _DbStation:
    id: int
    tkey: tuple | None
    address: str


@dataclass(slots=True)
class _DbUser:
    id: int
    login: str
    role: str
    full_name: str
    tkey: tuple | None
    skey: tuple | None


@dataclass
class _Existing:
    """What the database holds, by matching key (loaded in four queries)."""

    districts: dict = field(default_factory=dict)  # dkey -> (id, name)
    teams: dict = field(default_factory=dict)  # tkey -> (id, name)
    stations: dict = field(default_factory=dict)  # skey -> _DbStation
    users: dict = field(default_factory=dict)  # login -> _DbUser
    coordinators: dict = field(default_factory=lambda: defaultdict(list))  # tkey -> [_DbUser]
    at_station: dict = field(default_factory=lambda: defaultdict(list))  # skey -> consultants [_DbUser]


@dataclass(slots=True)
class _StationDraft:
    line: int
    number: int
    address: str = ""
    address_line: int = 0
    team: tuple | None = None  # (tkey, line) from a station row
    claims: list = field(default_factory=list)  # [(tkey, line)] from consultant rows
    owner: tuple | None = None  # the team after the import


@dataclass
class _Ops:
    """What apply_import writes; references are matching keys, resolved to ids as rows get inserted."""

    district_ids: dict = field(default_factory=dict)
    team_ids: dict = field(default_factory=dict)
    station_ids: dict = field(default_factory=dict)
    new_districts: list = field(default_factory=list)  # [(dkey, name)]
    new_teams: list = field(default_factory=list)  # [(tkey, name)]
    new_stations: list = field(default_factory=list)  # [(skey, number, address, owner tkey)]
    station_updates: list = field(default_factory=list)  # [(id, address, owner tkey)]
    new_users: list = field(default_factory=list)  # [_Rec]
    user_updates: list = field(default_factory=list)  # [(_DbUser, _Rec)]

    def size(self) -> int:
        return sum(len(x) for x in (self.new_districts, self.new_teams, self.new_stations, self.station_updates,
                                    self.new_users, self.user_updates))


@dataclass
class ImportPlan:
    """A dry run: counts per kind, every error with its line, and every change to existing rows."""

    rows: int
    counts: dict[str, Counts]
    errors: list[RowError]
    changes: list[Change]
    _ops: _Ops = field(repr=False)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def role_changes(self) -> list[Change]:
        return [c for c in self.changes if c.role_change]

    def summary(self) -> list[str]:
        """One Russian line per kind: what would be created, updated and left unchanged."""
        return format_counts(self.counts, done=False)


@dataclass
class ImportResult:
    counts: dict[str, Counts]
    seconds: float

    def summary(self) -> list[str]:
        return format_counts(self.counts, done=True)


def format_counts(counts: dict[str, Counts], done: bool) -> list[str]:
    """«Консультанты: создать 3, изменить 1, без изменений 10» (or «создано …» once applied)."""
    words = ("создано", "изменено") if done else ("создать", "изменить")
    return [f"{KIND_NAMES[k]}: {words[0]} {c.created}, {words[1]} {c.updated}, без изменений {c.unchanged}"
            for k, c in counts.items()]


# ---------------------------------------------------------------- parsing

def parse_file(filename: str, data: bytes) -> tuple[list[Row], list[RowError]]:
    """Rows of a CSV or XLSX file and what is wrong with it; a file that cannot be read gives no rows."""
    kind = _file_kind(filename, data)
    if kind == "xls":
        return [], [RowError(1, "Формат .xls не поддерживается: сохраните файл как .xlsx или CSV UTF-8.")]
    try:
        records = _xlsx_records(data) if kind == "xlsx" else _csv_records(data)
    except _FileProblem as e:
        return [], [RowError(1, str(e))]
    return _rows_from(records)


def _file_kind(filename: str, data: bytes) -> str:
    """xlsx, xls or csv, by the file name's extension, else by the content (a ZIP is an XLSX)."""
    ext = PurePath(filename or "").suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        return "xlsx"
    if ext == ".xls":
        return "xls"
    if ext in (".csv", ".txt"):
        return "csv"
    return "xlsx" if data[:4] == b"PK\x03\x04" else "csv"


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of a UTF-8 CSV whose delimiter is ; or , — whichever the header line has more of."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _FileProblem("Файл не в кодировке UTF-8: в Excel выберите «Сохранить как» → «CSV UTF-8».") from e
    header = text.split("\n", 1)[0]
    delimiter = "," if header.count(",") > header.count(";") else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for line, cells in enumerate(reader, start=1):
            _keep(records, line, cells)
    except csv.Error as e:
        raise _FileProblem(f"Не удалось разобрать CSV около строки {reader.line_num}: проверьте кавычки.") from e
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    """(line, cells) of the first sheet of an XLSX workbook; empty rows keep their line numbers."""
    records = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for line, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
                    if any(v is not None for v in values) or line == 1:
                        _keep(records, line, [_cell_text(v) for v in values])
            finally:
                book.close()
    except _FileProblem:
        raise
    except Exception as e:  # a damaged or foreign file can fail anywhere inside openpyxl
        raise _FileProblem("Не удалось прочитать файл XLSX: он повреждён или это не книга Excel.") from e
    return records


def _keep(records: list, line: int, cells: list[str]) -> None:
    """Keep the header and every row with something in it; refuse files with too many rows."""
    if line == 1 or any(c.strip() for c in cells):
        if len(records) > MAX_ROWS:
            raise _FileProblem(f"В файле больше {MAX_ROWS} строк: разделите его на части.")
        records.append((line, cells))


def _cell_text(value) -> str:
    """A cell's value as text: whole numbers without «.0», dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    return str(value)


def _rows_from(records: list[tuple[int, list[str]]]) -> tuple[list[Row], list[RowError]]:
    """Rows under the header; a header that cannot be understood gives no rows."""
    if not records or not any(c.strip() for c in records[0][1]):
        return [], [RowError(1, "Нет строки заголовка: в строке 1 ожидаются столбцы "
                                "район;бригада;участок;адрес;роль;логин;фио.")]
    columns, errors = _read_header(records[0][1])
    if errors:
        return [], errors
    width = len(records[0][1])
    rows = [_make_row(line, cells, columns, width) for line, cells in records[1:]]
    errors = [RowError(r.line, p) for r in rows for p in r.problems]
    if not rows:
        errors.append(RowError(1, "В файле нет строк с данными — только заголовок."))
    return rows, errors


def _header_key(text: str) -> str:
    """A column name reduced for comparison: lower case, ё as е, punctuation and _ as spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", text.lower().replace("ё", "е")).split())


_ALIASES = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _read_header(cells: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """The position of each known column; errors for repeated or missing required columns."""
    columns, errors = {}, []
    for i, cell in enumerate(cells):
        name = _ALIASES.get(_header_key(cell))
        if name is None:
            continue
        if name in columns:
            errors.append(RowError(1, f"Столбец «{TITLES[name]}» указан дважды."))
        columns[name] = i
    if "district" not in columns:
        errors.append(RowError(1, "В заголовке нет столбца «район»: ожидаются столбцы "
                                  "район;бригада;участок;адрес;роль;логин;фио."))
    elif not {"team", "station", "role"} & columns.keys():
        errors.append(RowError(1, "В заголовке нет ни «бригады», ни «участка», ни «роли»."))
    if "role" in columns:
        errors += [RowError(1, f"В заголовке нет столбца «{TITLES[n]}», а он нужен для людей.")
                   for n in ("login", "full_name") if n not in columns]
    return columns, errors


def _make_row(line: int, cells: list[str], columns: dict[str, int], width: int) -> Row:
    """A Row from the cells under the header; filled cells beyond the header are a problem."""
    n = len(cells)
    values = {name: " ".join(cells[i].split()) if i < n else "" for name, i in columns.items()}
    problems = ()
    if any(c.strip() for c in cells[width:]):
        problems = ("В строке больше ячеек, чем столбцов в заголовке: проверьте разделитель и кавычки.",)
    return Row(line=line, problems=problems, **values)


# ---------------------------------------------------------------- checking a row

def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _check_row(row: Row) -> tuple[_Rec | None, list[str]]:
    """A valid row as a _Rec, or every problem it has."""
    problems = list(row.problems)
    problems += _excel_errors(row)
    kind, problem = _kind_of(row)
    problems += [problem] if problem else []
    if kind is None:
        return None, problems
    problems += _missing(kind, row) + _too_long(row)
    number, problem = _station_number(row.station)
    problems += [problem] if problem else []
    login = row.login.lower()
    if login and not LOGIN_RE.fullmatch(login):
        problems.append(f"Логин «{row.login}»: допустимы только латинские буквы, цифры и знаки . _ @ -")
    if problems:
        return None, problems
    return _rec(row, kind, number, login), []


def _excel_errors(row: Row) -> list[str]:
    """Cells holding an Excel error value such as #N/A (a formula that failed in the source workbook)."""
    values = (row.district, row.team, row.station, row.address, row.role, row.login, row.full_name)
    if "#" not in "".join(values):
        return []
    return [f"В ячейке «{TITLES[n]}» ошибка Excel {v}." for n, v in zip(FIELDS, values, strict=True)
            if v.lower() in EXCEL_ERRORS]


def _kind_of(row: Row) -> tuple[str | None, str | None]:
    """What the row describes, from its role (or, with no role, from what is filled)."""
    word = row.role.lower().replace("ё", "е")
    if word:
        if word in ROLE_WORDS:
            return ROLE_WORDS[word], None
        if word in ("администратор", "admin"):
            return None, "Импорт не создаёт администраторов: роль может быть «консультант» или «координатор»."
        return None, f"Неизвестная роль «{row.role}»: ожидается «консультант» или «координатор»."
    if row.login or row.full_name:
        return None, "Не указана роль: «консультант» или «координатор»."
    return ("station" if row.station else "team" if row.team else "district"), None


def _missing(kind: str, row: Row) -> list[str]:
    """Required cells left empty for this kind of row; a coordinator's station must be empty."""
    problems = [f"Не заполнено «{TITLES[n]}»." for n in REQUIRED[kind] if not getattr(row, n)]
    if kind == "coordinator" and row.station:
        problems.append("Координатору участок не назначается: оставьте «участок» пустым.")
    return problems


def _too_long(row: Row) -> list[str]:
    return [f"«{TITLES[n]}» длиннее {limit} символов." for n, limit in LIMITS.items() if len(getattr(row, n)) > limit]


def _station_number(text: str) -> tuple[int | None, str | None]:
    """The station number (None if empty) or why it is not one."""
    if not text:
        return None, None
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_STATION:
        return int(text), None
    return None, f"Номер участка «{text}» должен быть целым положительным числом."


def _rec(row: Row, kind: str, number: int | None, login: str) -> _Rec:
    """The row with its matching keys: district, (district, team), (district, station number)."""
    dkey = _key(row.district)
    tkey = (dkey, _key(row.team)) if row.team else None
    return _Rec(line=row.line, kind=kind, district=row.district, dkey=dkey, team=row.team, tkey=tkey,
                number=number, skey=(dkey, number) if number is not None else None, address=row.address,
                login=login, full_name=row.full_name)


# ---------------------------------------------------------------- planning

def plan_import(session, rows: Iterable[Row], errors: Iterable[RowError] = (),
                progress: Progress | None = None) -> ImportPlan:
    """Check the rows against each other and the database and count what an import would do.

    Read-only: four SELECTs whatever the number of rows. `errors` (from parse_file) join the plan's own,
    so a plan made from a partly unreadable file cannot be applied.
    """
    rows = list(rows)
    planner = _Planner(_load(session))
    planner.errors += errors
    if not rows and not planner.errors:
        planner.error(1, "В файле нет строк с данными.")
    for i, row in enumerate(rows, start=1):
        rec, problems = _check_row(row)
        if rec is None:
            for p in problems:
                planner.error(row.line, p)
        else:
            planner.add(rec)
        if progress and (i % CHUNK == 0 or i == len(rows)):
            progress(i, len(rows))
    return planner.finish(len(rows))


def _load(session) -> _Existing:
    """Districts, teams, stations and users of the database, keyed as the file's rows are."""
    existing = _Existing()
    tkeys, skeys = _load_places(session, existing)
    q = select(User.id, User.login, User.role, User.full_name, User.team_id, User.polling_station_id)
    for id_, login, role, full_name, team_id, station_id in session.execute(q.order_by(User.id)):
        user = _DbUser(id_, login, role, full_name, tkeys.get(team_id), skeys.get(station_id))
        existing.users.setdefault(login.lower(), user)
        if role == "coordinator" and user.tkey:
            existing.coordinators[user.tkey].append(user)
        if role == "consultant" and user.skey:
            existing.at_station[user.skey].append(user)
    return existing


def _load_places(session, existing: _Existing) -> tuple[dict, dict]:
    """Fill in districts, teams and stations; {team id: key} and {station id: key} for the users."""
    dkeys, tkeys, skeys = {}, {}, {}
    for id_, name in session.execute(select(District.id, District.name).order_by(District.id)):
        dkeys[id_] = _key(name)
        existing.districts.setdefault(dkeys[id_], (id_, name))
    for id_, district_id, name in session.execute(select(Team.id, Team.district_id, Team.name).order_by(Team.id)):
        tkeys[id_] = (dkeys[district_id], _key(name))
        existing.teams.setdefault(tkeys[id_], (id_, name))
    q = select(PollingStation.id, PollingStation.district_id, PollingStation.number, PollingStation.team_id,
               PollingStation.address).order_by(PollingStation.id)
    for id_, district_id, number, team_id, address in session.execute(q):
        skeys[id_] = (dkeys[district_id], number)
        existing.stations.setdefault(skeys[id_], _DbStation(id_, tkeys.get(team_id), address or ""))
    return tkeys, skeys


class _Planner:
    """Collects valid rows, checks them across the file and the database, then counts and plans writes."""

    def __init__(self, existing: _Existing):
        self.db = existing
        self.errors: list[RowError] = []
        self.changes: list[Change] = []
        self.districts: dict[str, _Rec] = {}
        self.teams: dict[tuple, _Rec] = {}
        self.stations: dict[tuple, _StationDraft] = {}
        self.people: dict[str, _Rec] = {}
        self.counts = {k: Counts() for k in KINDS}
        self.ops = _Ops(district_ids={k: v[0] for k, v in existing.districts.items()},
                        team_ids={k: v[0] for k, v in existing.teams.items()},
                        station_ids={k: v.id for k, v in existing.stations.items()})

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))

    def add(self, rec: _Rec) -> None:
        """Register a valid row; a repeated login is kept once (or is an error if its data differ)."""
        if rec.login and not self._add_person(rec):
            return
        self.districts.setdefault(rec.dkey, rec)
        if rec.tkey:
            self.teams.setdefault(rec.tkey, rec)
        if rec.skey:
            self._add_station(rec)

    def _add_person(self, rec: _Rec) -> bool:
        """True for a login's first row; a repeat is dropped, and is an error if its data differ."""
        first = self.people.setdefault(rec.login, rec)
        if first is rec:
            return True
        if _person_data(first) != _person_data(rec):
            self.error(rec.line, f"Логин «{rec.login}» уже встречается в строке {first.line} с другими данными.")
        return False

    def _add_station(self, rec: _Rec) -> None:
        """Collect a station's address, its team from a station row, and the teams its consultants claim."""
        draft = self.stations.setdefault(rec.skey, _StationDraft(rec.line, rec.number))
        if rec.address:
            if draft.address and draft.address.casefold() != rec.address.casefold():
                self.error(rec.line, f"Участок № {rec.number}: адрес отличается от указанного в строке "
                                     f"{draft.address_line} («{draft.address}»).")
            elif not draft.address:
                draft.address, draft.address_line = rec.address, rec.line
        if rec.kind == "station" and rec.tkey:
            if draft.team and draft.team[0] != rec.tkey:
                self.error(rec.line, f"Участок № {rec.number} уже отнесён к бригаде «{self._team(draft.team[0])}» "
                                     f"в строке {draft.team[1]}.")
            elif not draft.team:
                draft.team = (rec.tkey, rec.line)
        if rec.kind == "consultant":
            draft.claims.append((rec.tkey, rec.line))

    def _team(self, tkey: tuple | None) -> str:
        if tkey is None:
            return "—"
        return self.teams[tkey].team if tkey in self.teams else self.db.teams[tkey][1]

    # -- checks across rows and the database

    def finish(self, total: int) -> ImportPlan:
        """Checks across rows and the database, then counts and writes to make, as the plan."""
        for skey, draft in self.stations.items():
            self._check_station(skey, draft)
        self._check_coordinators()
        self._check_admins()
        self._plan_places()
        self._plan_stations()
        self._plan_people()
        errors = sorted(dict.fromkeys(self.errors), key=lambda e: e.line)
        changes = sorted(self.changes, key=lambda c: c.line)
        return ImportPlan(rows=total, counts=self.counts, errors=errors, changes=changes, _ops=self.ops)

    def _check_station(self, skey: tuple, draft: _StationDraft) -> None:
        """The station's team after the import; consultants of other teams cannot be put on it."""
        old = self.db.stations.get(skey)
        source = ""
        if draft.team:
            draft.owner, source = draft.team[0], f"строка {draft.team[1]}"
        elif old is not None and old.tkey:
            draft.owner, source = old.tkey, "в базе"
        elif draft.claims:
            draft.owner, source = draft.claims[0][0], f"строка {draft.claims[0][1]}"
        for tkey, line in draft.claims:
            if tkey != draft.owner:
                self.error(line, f"Участок № {draft.number} закреплён за другой бригадой этого района — "
                                 f"«{self._team(draft.owner)}» ({source}). Чтобы передать участок, добавьте строку "
                                 "участка без роли с новой бригадой.")
        if old is not None and old.tkey and draft.owner != old.tkey:
            self._check_left_behind(skey, draft, old)

    def _check_left_behind(self, skey: tuple, draft: _StationDraft, old: _DbStation) -> None:
        """A station given to another team must not keep consultants of its old team that the file leaves."""
        staying = [u.login for u in self.db.at_station.get(skey, ()) if u.login.lower() not in self.people]
        if staying:
            listed = ", ".join(staying[:5]) + (f" и ещё {len(staying) - 5}" if len(staying) > 5 else "")
            self.error(draft.team[1], f"Участок № {draft.number} передаётся бригаде «{self._team(draft.owner)}», "
                                      f"но на нём остаются консультанты бригады «{self._team(old.tkey)}», которых "
                                      f"нет в файле: {listed}.")

    def _check_coordinators(self) -> None:
        """At most one coordinator per team, counting those in the database the file does not move."""
        by_team = defaultdict(list)
        for rec in self.people.values():
            if rec.kind == "coordinator":
                by_team[rec.tkey].append(rec)
        for tkey, recs in by_team.items():
            first = recs[0]
            for rec in recs[1:]:
                self.error(rec.line, f"У бригады «{first.team}» уже есть координатор {first.full_name} "
                                     f"({first.login}, строка {first.line}).")
            for user in self.db.coordinators.get(tkey, ()):
                if user.login.lower() not in self.people:
                    self.error(first.line, f"У бригады «{first.team}» уже есть координатор {user.full_name} "
                                           f"({user.login}). Чтобы заменить его, укажите его в файле с новой ролью "
                                           "или бригадой.")

    def _check_admins(self) -> None:
        """An import never touches an admin's account."""
        for rec in self.people.values():
            old = self.db.users.get(rec.login)
            if old is not None and old.role == "admin":
                self.error(rec.line, f"Логин «{rec.login}» принадлежит администратору: импорт не меняет "
                                     "администраторов.")

    # -- counting and planning the writes

    def _plan_places(self) -> None:
        """Districts and teams are only ever created (their name is what matches them)."""
        for dkey, rec in self.districts.items():
            if dkey in self.db.districts:
                self.counts["districts"].unchanged += 1
            else:
                self.counts["districts"].created += 1
                self.ops.new_districts.append((dkey, rec.district))
        for tkey, rec in self.teams.items():
            if tkey in self.db.teams:
                self.counts["teams"].unchanged += 1
            else:
                self.counts["teams"].created += 1
                self.ops.new_teams.append((tkey, rec.team))

    def _plan_stations(self) -> None:
        """New stations; existing ones whose address or team changes."""
        for skey, draft in self.stations.items():
            old = self.db.stations.get(skey)
            if old is None:
                self.counts["stations"].created += 1
                self.ops.new_stations.append((skey, draft.number, draft.address, draft.owner))
                continue
            address = draft.address or old.address
            diff = [f"адрес «{old.address}» → «{address}»"] if address != old.address else []
            if draft.owner != old.tkey:
                diff.append(f"бригада «{self._team(old.tkey)}» → «{self._team(draft.owner)}»")
            if not diff:
                self.counts["stations"].unchanged += 1
                continue
            self.counts["stations"].updated += 1
            self.ops.station_updates.append((old.id, address, draft.owner))
            name = f"участок № {draft.number} ({self.districts[skey[0]].district})"
            self.changes.append(Change(draft.line, "stations", name, "; ".join(diff)))

    def _plan_people(self) -> None:
        """New people; existing ones whose role, name, team or station changes (each listed in changes)."""
        for login, rec in self.people.items():
            counts = self.counts[rec.kind + "s"]
            old = self.db.users.get(login)
            if old is None:
                counts.created += 1
                self.ops.new_users.append(rec)
                continue
            diff = self._person_diff(old, rec)
            if not diff:
                counts.unchanged += 1
                continue
            counts.updated += 1
            self.ops.user_updates.append((old, rec))
            self.changes.append(Change(rec.line, rec.kind + "s", login, "; ".join(diff), old.role != rec.kind))

    def _person_diff(self, old: _DbUser, rec: _Rec) -> list[str]:
        """What changes for an existing person, in Russian; empty if nothing."""
        diff = []
        if old.role != rec.kind:
            diff.append(f"роль «{ROLE_NAMES.get(old.role, old.role)}» → «{ROLE_NAMES[rec.kind]}»")
        if old.full_name != rec.full_name:
            diff.append(f"ФИО «{old.full_name}» → «{rec.full_name}»")
        if old.tkey != rec.tkey:
            diff.append(f"бригада «{self._team(old.tkey)}» → «{self._team(rec.tkey)}»")
        if old.skey != rec.skey:
            diff.append(f"участок {_number(old.skey)} → {_number(rec.skey)}")
        return diff


def _person_data(rec: _Rec) -> tuple:
    return rec.kind, rec.dkey, rec.tkey, rec.skey, rec.full_name


def _number(skey: tuple | None) -> str:
    return f"№ {skey[1]}" if skey else "—"


# ---------------------------------------------------------------- applying

def apply_import(session, plan: ImportPlan, progress: Progress | None = None, commit: bool = True) -> ImportResult:
    """Write the plan in one transaction with bulk statements, then commit (unless commit=False).

    Refuses a plan with errors. On a clash with rows written meanwhile everything is rolled back and
    ImportFailed is raised. Statements: a few per kind plus one per 1000 written rows.
    """
    if not plan.ok:
        raise ImportRefused("В файле есть ошибки — ничего не импортировано. Исправьте их и загрузите файл снова.")
    if plan.applied:
        raise ImportRefused("Этот план импорта уже применён.")
    started, ops = time.perf_counter(), plan._ops
    step = _Steps(progress, ops.size())
    try:
        _write(session, ops, step)
        if commit:
            session.commit()
    except IntegrityError as e:
        session.rollback()
        raise ImportFailed("Данные в базе изменились во время импорта, ничего не сохранено. "
                           "Повторите импорт.") from e
    except BaseException:
        session.rollback()
        raise
    plan.applied = True
    return ImportResult(counts=plan.counts, seconds=time.perf_counter() - started)


class _Steps:
    """Reports progress as chunks of rows get written."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress and n:
            self.progress(self.done, self.total)


def _write(session, ops: _Ops, step: _Steps) -> None:
    """Insert districts, teams and stations (then read their ids), update stations and people, insert people."""
    _insert_places(session, ops, step)
    _update(session, PollingStation, [{"id": id_, "address": address, "team_id": ops.team_ids.get(owner)}
                                      for id_, address, owner in ops.station_updates], step)
    _free_coordinator_seats(session, ops)
    _update(session, User, [{"id": old.id, **_user_values(ops, rec)} for old, rec in ops.user_updates], step)
    now = utcnow()
    _insert(session, User, [{"login": rec.login, "password_hash": "", "active": True, "session_version": 1,
                             "created_at": now, **_user_values(ops, rec)} for rec in ops.new_users], step)


def _insert_places(session, ops: _Ops, step: _Steps) -> None:
    """New districts, teams and stations, each kind followed by one SELECT of the new ids.

    Not INSERT … RETURNING: SQLite cannot return ids in parameter order from a multi-row INSERT, so
    SQLAlchemy would fall back to one statement per row.
    """
    if ops.new_districts:
        _insert(session, District, [{"name": name} for _, name in ops.new_districts], step)
        fresh = _ids(session.execute(select(District.id, District.name).order_by(District.id)),
                     lambda r: _key(r.name))
        ops.district_ids.update({key: fresh[key] for key, _ in ops.new_districts})
    dkey_of = {id_: key for key, id_ in ops.district_ids.items()}
    if ops.new_teams:
        _insert(session, Team, [{"district_id": ops.district_ids[key[0]], "name": name}
                                for key, name in ops.new_teams], step)
        where = Team.district_id.in_({ops.district_ids[key[0]] for key, _ in ops.new_teams})
        fresh = _ids(session.execute(select(Team.id, Team.district_id, Team.name).where(where).order_by(Team.id)),
                     lambda r: (dkey_of[r.district_id], _key(r.name)))
        ops.team_ids.update({key: fresh[key] for key, _ in ops.new_teams})
    if ops.new_stations:
        _insert_stations(session, ops, dkey_of, step)


def _insert_stations(session, ops: _Ops, dkey_of: dict, step: _Steps) -> None:
    """New stations (their teams exist by now), then their ids."""
    _insert(session, PollingStation, [
        {"district_id": ops.district_ids[key[0]], "number": number, "address": address,
         "team_id": ops.team_ids.get(owner)} for key, number, address, owner in ops.new_stations], step)
    where = PollingStation.district_id.in_({ops.district_ids[key[0]] for key, *_ in ops.new_stations})
    q = select(PollingStation.id, PollingStation.district_id, PollingStation.number).where(where)
    fresh = _ids(session.execute(q.order_by(PollingStation.id)), lambda r: (dkey_of[r.district_id], r.number))
    ops.station_ids.update({key: fresh[key] for key, *_ in ops.new_stations})


def _ids(rows, key_of) -> dict:
    """{matching key: id}, the first row winning (rows come in id order)."""
    ids = {}
    for row in rows:
        ids.setdefault(key_of(row), row.id)
    return ids


def _user_values(ops: _Ops, rec: _Rec) -> dict:
    return {"full_name": rec.full_name, "role": rec.kind, "team_id": ops.team_ids[rec.tkey],
            "polling_station_id": ops.station_ids[rec.skey] if rec.skey else None}


def _free_coordinator_seats(session, ops: _Ops) -> None:
    """Detach the coordinators who change team or role first, so that swaps never trip the one-coordinator index."""
    ids = [old.id for old, rec in ops.user_updates
           if "coordinator" in (old.role, rec.kind) and (old.role != rec.kind or old.tkey != rec.tkey)]
    for part in _chunks(ids):
        session.execute(update(User).where(User.id.in_(part)).values(team_id=None)
                        .execution_options(synchronize_session=False))


def _insert(session, model, values: list[dict], step: _Steps) -> None:
    """Core executemany INSERT per chunk (the ORM's bulk insert splits batches where a value is None)."""
    for part in _chunks(values):
        session.execute(insert(model.__table__), part)
        step(len(part))


def _update(session, model, values: list[dict], step: _Steps) -> None:
    """ORM bulk UPDATE by primary key: one executemany per chunk."""
    for part in _chunks(values):
        session.execute(update(model), part)
        step(len(part))


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------- both steps

def import_file(session, filename: str, data: bytes, dry_run: bool = True,
                progress: Progress | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Parse, plan and (unless dry_run or the plan has errors) apply; the result is None when nothing was written."""
    rows, errors = parse_file(filename, data)
    plan = plan_import(session, rows, errors, progress=progress)
    if dry_run or not plan.ok:
        return plan, None
    return plan, apply_import(session, plan, progress=progress)

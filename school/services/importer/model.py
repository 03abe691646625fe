"""What the import works with: the file's columns and limits, rows, errors, counts, changes and the plan."""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

Progress = Callable[[int, int], None]
CHUNK = 1000  # rows per bulk statement and per progress call
MAX_ROWS = 100_000
KINDS = ("districts", "teams", "stations", "coordinators", "consultants", "trainers")
KIND_NAMES = {"districts": "Районы", "teams": "Бригады", "stations": "Участки",
              "coordinators": "Координаторы", "consultants": "Консультанты", "trainers": "Тренеры"}
FIELDS = ("district", "team", "station", "address", "role", "login", "full_name", "phone")
COLUMNS = {
    "district": ("район", "district"),
    "team": ("бригада", "team", "команда"),
    "station": ("участок", "№ участка", "номер участка", "station", "station number", "polling station"),
    "address": ("адрес", "адрес участка", "address"),
    "role": ("роль", "role"),
    "login": ("логин", "login", "username"),
    "full_name": ("фио", "ф.и.о.", "full name", "full_name", "name", "имя"),
    # Optional: without the column, phones stay as they are; with it, the cell is the phone (empty clears it).
    "phone": ("телефон", "тел", "тел.", "мобильный", "phone", "mobile"),
}
TITLES = {name: aliases[0] for name, aliases in COLUMNS.items()}
ROLE_WORDS = {"консультант": "consultant", "consultant": "consultant",
              "координатор": "coordinator", "coordinator": "coordinator", "тренер": "trainer", "trainer": "trainer"}
ROLE_NAMES = {"consultant": "консультант", "coordinator": "координатор", "trainer": "тренер", "admin": "администратор"}
REQUIRED = {"consultant": ("district", "team", "station", "login", "full_name"),
            "coordinator": ("district", "team", "login", "full_name"),
            "trainer": ("district", "login", "full_name"),
            "station": ("district", "station"), "team": ("district", "team"), "district": ("district",)}
LIMITS = {"district": 200, "team": 200, "address": 300, "login": 120, "full_name": 200, "phone": 50}
PHONE_RE = re.compile(r"\+?[0-9 ()-]{5,50}")
LOGIN_RE = re.compile(r"[a-z0-9._@-]+")
EXCEL_ERRORS = {"#n/a", "#ref!", "#value!", "#div/0!", "#name?", "#num!", "#null!", "#spill!", "#calc!"}
MAX_STATION = 2**31 - 1


class ImportRefused(ValueError):
    """The plan cannot be applied (it has errors or was applied already); the message is for the admin."""


class ImportFailed(RuntimeError):
    """The database refused the import (it changed meanwhile); nothing was saved."""


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
    phone: str | None = None  # None: the file has no phone column
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
    phone: str | None = None


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
    phone: str


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


def _key(name: str) -> str:
    """A name as a matching key: runs of spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()

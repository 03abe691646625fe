"""Checking one row on its own: its kind, required and too long cells, the station number and the login."""

from .model import (
    EXCEL_ERRORS,
    FIELDS,
    LIMITS,
    LOGIN_RE,
    MAX_STATION,
    PHONE_RE,
    REQUIRED,
    ROLE_WORDS,
    TITLES,
    Row,
    _key,
    _Rec,
)

ROLES_SAID = "«консультант», «координатор» или «тренер»"


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
    if row.phone and not PHONE_RE.fullmatch(row.phone):
        problems.append(f"Телефон «{row.phone}»: только цифры, пробелы, скобки, дефис и + в начале.")
    if problems:
        return None, problems
    return _rec(row, kind, number, login), []


def _excel_errors(row: Row) -> list[str]:
    """Cells holding an Excel error value such as #N/A (a formula that failed in the source workbook)."""
    values = (row.district, row.team, row.station, row.address, row.role, row.login, row.full_name, row.phone or "")
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
            return None, f"Импорт не создаёт администраторов: роль может быть {ROLES_SAID}."
        return None, f"Неизвестная роль «{row.role}»: ожидается {ROLES_SAID}."
    if row.login or row.full_name:
        return None, f"Не указана роль: {ROLES_SAID}."
    return ("station" if row.station else "team" if row.team else "district"), None


def _missing(kind: str, row: Row) -> list[str]:
    """Required cells left empty for this kind of row; a coordinator's station must be empty."""
    problems = [f"Не заполнено «{TITLES[n]}»." for n in REQUIRED[kind] if not getattr(row, n)]
    if kind == "coordinator" and row.station:
        problems.append("Координатору участок не назначается: оставьте «участок» пустым.")
    if kind == "trainer" and (row.station or row.team):
        problems.append("Тренер работает для всего центра: оставьте «бригада» и «участок» пустыми.")
    return problems


def _too_long(row: Row) -> list[str]:
    return [f"«{TITLES[n]}» длиннее {limit} символов." for n, limit in LIMITS.items()
            if len(getattr(row, n) or "") > limit]


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
                login=login, full_name=row.full_name, phone=row.phone)

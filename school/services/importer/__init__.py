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
роль       role                                      «консультант» / «координатор» / «тренер» (consultant /
                                                     coordinator / trainer); empty: a row about a station
                                                     or team
логин      login, username                           required for people: ASCII letters, digits and
                                                     . _ @ - (stored in lower case)
фио        ф.и.о., full name, full_name, name, имя   required for people
телефон    тел, тел., мобильный, phone, mobile       optional column: digits, spaces, ( ) - and a leading
                                                     +; coordinators see their team's phones on voting
                                                     day. Without the column phones are left as they
                                                     are; with it, an empty cell clears the phone
=========  ========================================  ====================================================

Kinds of rows:

* consultant — район, бригада, участок, логин, фио. A new station is created; the station must belong to
  the consultant's team (or to no team yet: then it is given to that team).
* coordinator — район, бригада, логин, фио, участок empty. A team has at most one coordinator.
* trainer — район, логин, фио; бригада and участок empty (a trainer leads seminars for the whole center).
* station — роль empty, участок filled: creates the station or updates its address; with бригада it
  assigns the station to that team (the only way to move a station to another team).
* team — роль and участок empty, бригада filled: creates the team; only район: creates the district.

CSV: UTF-8 with or without BOM, delimiter «;» or «,» (whichever the header line has more of), quoting
as Excel writes it. XLSX: the first sheet, header in row 1, cached values of formulas. Blank rows are
skipped; spaces are trimmed and runs of spaces collapsed.

Matching, so that importing the same file again changes nothing: districts by name, teams by (district,
name), stations by (district, number) — names compared case-insensitively, as the admin forms do —,
people by login. Existing people keep their password, `active` flag and sessions, and may change role
between coordinator, consultant and trainer (listed in `ImportPlan.changes`); admins are never touched. New people
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

from .apply import apply_import
from .model import (
    CHUNK,
    COLUMNS,
    EXCEL_ERRORS,
    FIELDS,
    KIND_NAMES,
    KINDS,
    LIMITS,
    LOGIN_RE,
    MAX_ROWS,
    MAX_STATION,
    REQUIRED,
    ROLE_NAMES,
    ROLE_WORDS,
    TITLES,
    Change,
    Counts,
    ImportFailed,
    ImportPlan,
    ImportRefused,
    ImportResult,
    Progress,
    Row,
    RowError,
    format_counts,
)
from .parse import parse_file
from .plan import plan_import

__all__ = [
    "CHUNK", "COLUMNS", "EXCEL_ERRORS", "FIELDS", "KIND_NAMES", "KINDS", "LIMITS", "LOGIN_RE", "MAX_ROWS",
    "MAX_STATION", "REQUIRED", "ROLE_NAMES", "ROLE_WORDS", "TITLES", "Change", "Counts", "ImportFailed",
    "ImportPlan", "ImportRefused", "ImportResult", "Progress", "Row", "RowError", "apply_import",
    "format_counts", "import_file", "parse_file", "plan_import",
]


def import_file(session, filename: str, data: bytes, dry_run: bool = True,
                progress: Progress | None = None) -> tuple[ImportPlan, ImportResult | None]:
    """Parse, plan and (unless dry_run or the plan has errors) apply; the result is None when nothing was written."""
    rows, errors = parse_file(filename, data)
    plan = plan_import(session, rows, errors, progress=progress)
    if dry_run or not plan.ok:
        return plan, None
    return plan, apply_import(session, plan, progress=progress)

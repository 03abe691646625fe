"""Exports: CSV (UTF-8 with BOM so Excel shows Cyrillic) and XLSX, with formula injection neutralised."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .readiness import STATUSES, Readiness

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Neutralise spreadsheet formula injection: a leading ' makes Excel treat it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def readiness_table(readiness: Readiness, team_name: str = "") -> list[list]:
    """Header and rows of the readiness list, as exported (CSV and XLSX share it)."""
    header = ["Бригада", "Консультант", "Логин", "Участок"]
    for m in readiness.modules:
        header += [f"{m.title}: прочитано, %", f"{m.title}: лучший балл", f"{m.title}: изучено", f"{m.title}: семинар"]
    table = [header + ["Статус", "Квалифицирован с", "Готовность подтвердил", "Что осталось"]]
    for r in readiness.rows:
        cells = [team_name, r.consultant.full_name, r.consultant.login, r.station_number or ""]
        for m in r.modules:
            cells += [m.percent, "" if m.best_score is None else m.best_score, m.source,
                      m.seat.label if m.seat else "нет записи"]
        by = r.signoff.confirmed_by if r.signoff and r.signoff.active else None
        confirmed = by.full_name if by else ""
        cells += [STATUSES[r.status], r.qualified_at.date().isoformat() if r.qualified_at else "", confirmed,
                  "; ".join(r.reasons)]
        table.append(cells)
    return table


def table_csv(table: list[list]) -> str:
    """Rows as CSV for Excel: «;»-separated, quoted by the csv module, formulas neutralised, with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in table:
        writer.writerow([safe_cell(c) for c in row])
    return "\ufeff" + out.getvalue()


def readiness_csv(readiness: Readiness, team_name: str = "") -> str:
    return table_csv(readiness_table(readiness, team_name))


def readiness_xlsx(readiness: Readiness, team_name: str = "") -> bytes:
    """The same table as an Excel workbook; text cells are neutralised the same way as in CSV, and control
    characters an XLSX cell cannot hold (Word's \\x0b line break, pasted into a name) are dropped."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Готовность"
    for row in readiness_table(readiness, team_name):
        sheet.append([c if isinstance(c, int | float) else ILLEGAL_CHARACTERS_RE.sub("", safe_cell(c)) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

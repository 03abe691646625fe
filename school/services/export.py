"""CSV export of the readiness list: UTF-8 with BOM so Excel shows Cyrillic."""

import csv
import io

from .readiness import STATUSES, Readiness

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Neutralise spreadsheet formula injection: a leading ' makes Excel treat it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def readiness_csv(readiness: Readiness, team_name: str = "") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    header = ["Бригада", "Консультант", "Логин", "Участок"]
    for m in readiness.modules:
        header += [f"{m.title}: прочитано, %", f"{m.title}: лучший балл"]
    writer.writerow(header + ["Статус", "Квалифицирован с", "Что осталось"])
    for r in readiness.rows:
        cells = [team_name, r.consultant.full_name, r.consultant.login, r.station_number or ""]
        for m in r.modules:
            cells += [m.percent, "" if m.best_score is None else m.best_score]
        cells += [STATUSES[r.status], r.qualified_at.date().isoformat() if r.qualified_at else "", "; ".join(r.reasons)]
        writer.writerow([safe_cell(c) for c in cells])
    return "\ufeff" + out.getvalue()

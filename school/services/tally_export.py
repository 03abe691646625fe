"""Tables for the tally's CSV downloads (written by export.table_csv, formulas neutralised): every station and
contest with every line, and the differences from the official figures."""

from ..models import Contest
from ..models.protocol import ENTRY_STATES, VERDICTS
from .official import Comparison
from .tally import Row
from .tally_flags import Flagged


def line_titles(contest: Contest) -> list[str]:
    return [f"{x.number} {x.title} ({x.code})".strip() for x in contest.lines]


def protocols_table(contest: Contest, rows: list[Row], flagged: list[Flagged]) -> list[list]:
    """One row per station: its states, the agreed figures (none before reconciliation: the second entry is made
    blind, and the desk that makes it can export), its flags."""
    flags = {f.row.station_id: f.flags for f in flagged}
    header = ["Район", "Участок", "Протокол", "Ввод", "Оценка", "Карантин", "В итогах", "Версия", "Цифры"]
    table = [header + line_titles(contest) + ["Флаги"]]
    for row in rows:
        source = f"версия {row.version}" if row.version else ("не сверены" if row.copy_id else "")
        values = row.values if row.version else {}
        table.append([row.district, row.number, contest.code, ENTRY_STATES[row.state],
                      VERDICTS.get(row.verdict, ""), "да" if row.quarantined else "", "да" if row.counted else "нет",
                      row.version or "", source]
                     + ["" if values.get(x.code) is None else values[x.code] for x in contest.lines]
                     + [" | ".join(f"{f.label}: {f.text}" for f in flags.get(row.station_id, []))])
    return table


def differences_table(contest: Contest, comparison: Comparison) -> list[list]:
    table = [["Район", "Участок", "Протокол", "Строка", "Наши (сверенные)", "Официальные", "Разница"]]
    for d in comparison.differences:
        delta = d.official - d.ours if d.official is not None and d.ours is not None else ""
        table.append([d.row.district, d.row.number, contest.code, d.title, "" if d.ours is None else d.ours,
                      "" if d.official is None else d.official, delta])
    return table

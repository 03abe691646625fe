"""Time the bulk import (school/services/importer/) on a large, realistic file.

Generates a CSV of 10 districts × 100 teams × 50 consultants (50,000 consultants, 1,000 coordinators,
1,000 stations per district, 5 consultants per station) into a temporary directory, creates a fresh
SQLite file database there and times parse, plan and apply with time.perf_counter for three rounds:

* import    — everything is new;
* re-import — the same file again: must be all unchanged and write nothing;
* update    — every 10th consultant renamed and every 20th moved to another station of the team.

With --xlsx it also times parsing the same rows from an XLSX workbook (openpyxl, read-only mode).

Usage (inside the repo):
    .venv/bin/python bench/import_bench.py
    .venv/bin/python bench/import_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench --wipe

With --database-url every table of that database is dropped and created again, so it refuses a database
that has tables unless --wipe is given. Exit code 1 if a round is not as expected.
"""

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import func, inspect, select  # noqa: E402

from config import Config  # noqa: E402
from school import create_app  # noqa: E402
from school.extensions import db  # noqa: E402
from school.models import District, PollingStation, Team, User  # noqa: E402
from school.services.importer import apply_import, parse_file, plan_import  # noqa: E402

DISTRICTS, TEAMS, CONSULTANTS, STATIONS = 10, 100, 50, 1000
HEADER = "район;бригада;участок;адрес;роль;логин;фио"
SURNAMES = ("Ахметов", "Иванов", "Ким", "Нурланов", "Оспанов", "Петров", "Сатпаев", "Жумабаев", "Ли", "Омаров")
NAMES = ("Арман", "Берик", "Данияр", "Ерлан", "Иван", "Марат", "Олжас", "Сергей", "Тимур", "Айдос")


def generate(renamed: bool = False) -> bytes:
    """The file: one coordinator row per team, then its consultants (`renamed`: the update round's version)."""
    lines = [HEADER]
    per_team = STATIONS // TEAMS
    for d in range(DISTRICTS):
        district = f"Район {d + 1}"
        for t in range(TEAMS):
            team = f"Бригада {t + 1}"
            lines.append(f"{district};{team};;;координатор;coord-{d}-{t};{_person(d * TEAMS + t)}")
            for c in range(CONSULTANTS):
                n = (d * TEAMS + t) * CONSULTANTS + c
                slot = c // (CONSULTANTS // per_team)
                if renamed and n % 20 == 0:
                    slot = (slot + 1) % per_team  # moved to the next station of the same team
                number = t * per_team + slot + 1
                name = _person(n) + (" (ред.)" if renamed and n % 10 == 0 else "")
                lines.append(f"{district};{team};{number};ул. Абая, {number};консультант;cons-{d}-{t}-{c};{name}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


def as_xlsx(data: bytes) -> bytes:
    """The same rows as an XLSX workbook (write-only mode, station numbers as numbers)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for line in data.decode("utf-8-sig").splitlines():
        cells = line.split(";")
        sheet.append([int(c) if c.isdigit() and i == 2 else c for i, c in enumerate(cells)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _person(n: int) -> str:
    return f"{SURNAMES[n % 10]} {NAMES[n // 10 % 10]} {n}"


def make_app(url: str):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = {}

    return create_app(BenchConfig)


def fresh_schema(wipe: bool) -> None:
    if inspect(db.engine).get_table_names() and not wipe:
        raise SystemExit("bench: the database has tables; add --wipe to drop them all")
    db.drop_all()
    db.create_all()


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def one_round(name: str, data: bytes) -> dict:
    """Parse, plan and apply one file; the seconds of each step and the plan."""
    (rows, errors), t_parse = timed(parse_file, name, data)
    plan, t_plan = timed(plan_import, db.session, rows, errors)
    if not plan.ok:
        raise SystemExit("bench: the plan has errors:\n" + "\n".join(map(str, plan.errors[:10])))
    _, t_apply = timed(apply_import, db.session, plan)
    return {"rows": len(rows), "parse": t_parse, "plan": t_plan, "apply": t_apply, "plan_obj": plan}


def table_counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (District, Team, PollingStation, User)}


def report(url: str, size: int, rounds: dict[str, dict], counts: dict[str, int]) -> None:
    print(f"# import bench, {url.split('://')[0]}; file {size / 1e6:.1f} MB, {rounds['import']['rows']} rows")
    print(f"{'round':<10} {'parse':>8} {'plan':>8} {'apply':>8} {'total':>8}  created/updated/unchanged")
    for name, r in rounds.items():
        total = r["parse"] + r["plan"] + r["apply"]
        kinds = " ".join(f"{k[:5]} {c.created}/{c.updated}/{c.unchanged}" for k, c in r["plan_obj"].counts.items())
        print(f"{name:<10} {r['parse']:>7.2f}s {r['plan']:>7.2f}s {r['apply']:>7.2f}s {total:>7.2f}s  {kinds}")
    print("rows in the database: " + ", ".join(f"{k}={v}" for k, v in counts.items()))


def check(rounds: dict[str, dict], counts: dict[str, int]) -> list[str]:
    """What is not as expected: counts after the import, nothing to do on re-import, the update's size."""
    problems = []
    expected = {"districts": DISTRICTS, "teams": DISTRICTS * TEAMS, "polling_stations": DISTRICTS * STATIONS,
                "users": DISTRICTS * TEAMS * (CONSULTANTS + 1)}
    if counts != expected:
        problems.append(f"row counts {counts} != {expected}")
    again = rounds["re-import"]["plan_obj"].counts.values()
    if any(c.created or c.updated for c in again):
        problems.append("re-import is not all unchanged")
    updated = rounds["update"]["plan_obj"].counts["consultants"].updated
    if updated != DISTRICTS * TEAMS * CONSULTANTS // 10:  # every 10th renamed; the moved ones are among them
        problems.append(f"update round changed {updated} consultants")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="run against this database instead of a temporary SQLite file")
    parser.add_argument("--wipe", action="store_true", help="allow dropping the tables of --database-url")
    parser.add_argument("--xlsx", action="store_true", help="also time parsing the same rows from an XLSX file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="school-import-bench.") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        (path := Path(tmp) / "import.csv").write_bytes(generate())
        app = make_app(url)
        with app.app_context():
            fresh_schema(args.wipe or not args.database_url)
            rounds = {"import": one_round(path.name, path.read_bytes())}
            rounds["re-import"] = one_round(path.name, path.read_bytes())
            counts = table_counts()
            rounds["update"] = one_round("update.csv", generate(renamed=True))
            report(url, path.stat().st_size, rounds, counts)
            problems = check(rounds, counts)
            if args.xlsx:
                xlsx = as_xlsx(path.read_bytes())
                (rows, errors), seconds = timed(parse_file, "import.xlsx", xlsx)
                print(f"parse of the same rows as XLSX ({len(xlsx) / 1e6:.1f} MB): {seconds:.2f}s, {len(rows)} rows")
                problems += [str(e) for e in errors[:5]]
            db.session.remove()
            db.engine.dispose()
    for p in problems:
        print("bench: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

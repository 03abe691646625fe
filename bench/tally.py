"""Benchmark (not a test): the center's tally page for 100 stations and for 10,000 (about the country's number of
polling stations), each with an agreed protocol of the example election, must render in under a second.

    .venv/bin/python bench/tally.py                 # SQLite files in a temp dir, 100 and 10,000 stations
    .venv/bin/python bench/tally.py 100 2000 10000  # other sizes
    BENCH_DATABASE_URL=postgresql+psycopg://…/scratch .venv/bin/python bench/tally.py  # an EMPTY scratch database

Each size gets a fresh database (built with create_all), 20 districts, the example election's two contests, and
an agreed Mazhilis protocol at every station (bulk-inserted; about 2 % of them flagged: a failed relation, a
turnout outlier, a copy of another station). The page is requested through the app (login, session, template)
five times after a warm-up; the median and the slowest are printed with the number of flagged stations.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from config import TestConfig  # noqa: E402
from school import create_app  # noqa: E402
from school.extensions import db  # noqa: E402
from school.models import District, PollingStation, ProtocolCopy, ProtocolVersion, User  # noqa: E402
from school.services import example_election  # noqa: E402
from school.services.accounts import hash_password  # noqa: E402
from school.services.demo_tally import figures  # noqa: E402

PASSWORD = "bench-password-1234"  # noqa: S105  # nosec B105: a throwaway database
RUNS = 5
BUDGET = 1.0


def _config(url: str):
    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False
        LOGIN_ACCOUNT_LIMIT = LOGIN_ADDRESS_LIMIT = "100000 per minute"
    return BenchConfig


def _seed(stations: int) -> int:
    """Districts, stations, the example election and an agreed Mazhilis protocol at every station."""
    rng = random.Random(stations)
    session = db.session
    districts = [District(name=f"Район {n:02d}") for n in range(1, 21)]
    session.add_all(districts)
    session.add(User(login="admin", full_name="Центр", role="admin", password_hash=hash_password(PASSWORD)))
    session.flush()
    session.execute(insert(PollingStation), [
        {"district_id": districts[n % 20].id, "number": 1000 + n, "address": ""} for n in range(stations)])
    election = example_election.create(session, None, example_election_date())
    contest = election.contests[0]
    ids = list(session.scalars(select(PollingStation.id).order_by(PollingStation.id)))
    session.execute(insert(ProtocolCopy), [
        {"station_id": sid, "contest_id": contest.id, "state": "reconciled", "quarantined": False, "version": 1}
        for sid in ids])
    copies = dict(session.execute(select(ProtocolCopy.station_id, ProtocolCopy.id)).all())
    versions = []
    for n, sid in enumerate(ids):
        values = figures(rng, 93 if n % 97 == 0 else rng.randint(48, 66))
        if n % 89 == 0:
            values["party_a"] += 10  # a failed relation
        if n % 101 == 1 and n > 1:
            values = dict(versions[-1]["values"], outside=values["outside"])  # a copy of the station before
        versions.append({"copy_id": copies[sid], "version": 1, "values": values, "source": "agreed"})
    session.execute(insert(ProtocolVersion), versions)
    session.commit()
    return contest.id


def example_election_date():
    from school.services.voting_day import today
    return today()


def _measure(app, contest_id: int) -> tuple[list[float], str]:
    client = app.test_client()
    assert client.post("/login", data={"login": "admin", "password": PASSWORD}).status_code == 302  # noqa: S101
    url = f"/tally/center?contest={contest_id}"
    page = client.get(url)  # warm-up: templates compiled, caches filled
    assert page.status_code == 200, page.status_code  # noqa: S101
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200  # noqa: S101
    html = page.get_data(as_text=True)
    flagged = html.split("Участки с флагами: ", 1)[1].split("<", 1)[0]
    return times, flagged


def run(stations: int, url: str) -> bool:
    app = create_app(_config(url))
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        contest_id = _seed(stations)
        seeded = time.perf_counter() - started
        times, flagged = _measure(app, contest_id)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    median, worst = statistics.median(times), max(times)
    ok = worst < BUDGET
    print(f"{stations:>6} stations: tally page median {median * 1000:.0f} ms, slowest {worst * 1000:.0f} ms "
          f"(flagged: {flagged}; seeded in {seeded:.1f} s) {'OK' if ok else 'OVER 1 s'}")
    return ok


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [100, 10_000]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/tally-{size}.db"
            results.append(run(size, url))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

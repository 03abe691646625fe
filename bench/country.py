"""The country for the admin overview row: 50,000 consultants in 20 districts (BENCH_COUNTRY to change).

Per district: 25 teams, each with a coordinator, 20 polling stations and 100 consultants (5 per
station). Activity is attempts only (no answers: the overview never reads them): 30% never started,
30% started with a failed or open attempt, 40% passed every required quiz. The stored qualification
is then derived by the app's own service (`qualification.refresh`), never typed in here.
Bulk INSERTs, fixed random seed. Run inside the repo with DATABASE_URL set, after `flask setup`:
    .venv/bin/python bench/country.py
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from school import create_app  # noqa: E402
from school.extensions import db  # noqa: E402
from school.models import Attempt, District, PollingStation, Quiz, Team, User  # noqa: E402
from school.models._types import utcnow  # noqa: E402
from school.services import qualification  # noqa: E402
from school.services.demo import _person  # noqa: E402

CONSULTANTS = int(os.environ.get("BENCH_COUNTRY", "50000"))
DISTRICTS, TEAMS, PER_STATION, PER_TEAM = 20, 25, 5, 100
CHUNK = 5000


def _bulk(session, model, rows, returning=None):
    ids = []
    for i in range(0, len(rows), CHUNK):
        if returning is None:
            session.execute(insert(model), rows[i:i + CHUNK])
        else:
            ids += session.scalars(insert(model).returning(returning, sort_by_parameter_order=True),
                                   rows[i:i + CHUNK]).all()
    return ids


def _organisation(session, per_district: int) -> list[int]:
    """Districts, teams, stations, coordinators and consultants; returns the consultants' ids."""
    pw_hash = session.scalar(select(User.password_hash).where(User.role == "coordinator").limit(1)) or ""
    district_ids = _bulk(session, District, [{"name": f"Бенч-район {d + 1:02}"} for d in range(DISTRICTS)],
                         returning=District.id)
    teams_per = max(1, min(TEAMS, per_district // PER_TEAM))
    team_rows = [{"district_id": d, "name": f"Бригада {t + 1:02}"} for d in district_ids for t in range(teams_per)]
    team_ids = _bulk(session, Team, team_rows, returning=Team.id)
    per_team = per_district // teams_per
    stations_per = max(1, per_team // PER_STATION)
    now, stations, people = utcnow(), [], []
    for n, (team_id, row) in enumerate(zip(team_ids, team_rows, strict=True)):
        base = n % teams_per * stations_per
        stations += [{"district_id": row["district_id"], "team_id": team_id, "number": base + s + 1,
                      "address": f"ул. Абая, {base + s + 1}"} for s in range(stations_per)]
    station_ids = _bulk(session, PollingStation, stations, returning=PollingStation.id)
    for n, team_id in enumerate(team_ids):
        people.append({"login": f"bench-coord-{n}", "full_name": _person(n), "role": "coordinator",
                       "team_id": team_id, "password_hash": pw_hash, "session_version": 1, "active": True,
                       "created_at": now})
        for c in range(per_team):
            people.append({"login": f"bench-cons-{n}-{c}", "full_name": _person(n * per_team + c),
                           "role": "consultant", "team_id": team_id,
                           "polling_station_id": station_ids[n * stations_per + c // PER_STATION % stations_per],
                           "password_hash": pw_hash, "session_version": 1, "active": True, "created_at": now})
    _bulk(session, User, people)
    return list(session.scalars(select(User.id).where(User.login.like("bench-cons-%")).order_by(User.id)))


def _attempts(session, user_ids: list[int], rng) -> int:
    quizzes = list(session.scalars(select(Quiz).order_by(Quiz.id)))
    now, rows = utcnow(), []
    for uid in user_ids:
        r = rng.random()
        if r < 0.3 or not quizzes:
            continue
        qualified = r >= 0.6
        for i, quiz in enumerate(quizzes):
            if not qualified and i:
                break
            started = now - timedelta(days=rng.uniform(1, 30), minutes=i * 90)
            score = rng.uniform(80, 100) if qualified else rng.uniform(30, 75)
            rows.append({"user_id": uid, "quiz_id": quiz.id, "number": 1, "status": "submitted",
                         "started_at": started, "submitted_at": started + timedelta(minutes=25),
                         "score": round(score, 1), "passed": score >= quiz.pass_mark})
    _bulk(session, Attempt, rows)
    return len(rows)


def main():
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        session = db.session
        if session.scalar(select(func.count()).select_from(District).where(District.name.like("Бенч-район %"))):
            raise SystemExit("country: already generated in this database")
        ids = _organisation(session, CONSULTANTS // DISTRICTS)
        attempts = _attempts(session, ids, random.Random(7))
        for i in range(0, len(ids), 1000):
            qualification.refresh(session, ids[i:i + 1000])
        session.commit()
        print(f"country: {len(ids)} consultants in {DISTRICTS} districts, {attempts} attempts, "
              f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Add realistic activity on top of `flask --app school setup` for the benchmarks.

Creates one large team (1500 consultants by default, BENCH_BIG_TEAM to change) in the demo
district, then gives every consultant (demo teams and the large team) reading progress and
submitted quiz attempts. Rows go in with bulk INSERTs; snapshots, grading and the reading-time
cap come from the app's own services, so the data looks like what the app itself writes.

Prints BENCH_* key=value lines that bench/run.sh reads. Deterministic (fixed random seed).
Run inside the repo: `.venv/bin/python bench/seed.py` with DATABASE_URL set.
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
from school.models import (  # noqa: E402
    Attempt,
    AttemptQuestion,
    District,
    Module,
    PollingStation,
    Question,
    Quiz,
    Section,
    SectionProgress,
    Team,
    User,
)
from school.models._types import utcnow  # noqa: E402
from school.services import attempts as attempt_svc  # noqa: E402
from school.services import qualification  # noqa: E402
from school.services.content import load_content, read_content  # noqa: E402
from school.services.demo import DISTRICT, _person  # noqa: E402
from school.services.progress import MAX_SECTION_SECONDS  # noqa: E402
from school.services.question_types import REGISTRY  # noqa: E402
from school.services.readiness import team_readiness  # noqa: E402

BIG_TEAM = int(os.environ.get("BENCH_BIG_TEAM", "1500"))
BIG_TEAM_NAME = "Бригада большая"
BIG_COORDINATOR = "coordinator-big"
BIG_STATIONS = max(1, BIG_TEAM // 5)  # ~5 consultants per station, as in a dense city district
CHUNK = 2000


def _wrong(snapshot):
    """A plausible wrong answer in the same shape the app stores for this question type."""
    correct, choices = snapshot["correct"], [c["id"] for c in snapshot.get("choices", [])]
    if snapshot["type"] == "numeric":
        return correct + 1 + snapshot["tolerance"] * 2
    if snapshot["type"] == "match":
        keys = list(correct)
        return {k: correct[keys[(i + 1) % len(keys)]] for i, k in enumerate(keys)}
    if snapshot["type"] == "order":
        return list(reversed(correct))
    others = [c for c in choices if c not in correct]
    return [others[0]] if others else []


def _bulk(session, model, rows):
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[i:i + CHUNK])


def _big_team(session):
    """The large team: its coordinator, stations and consultants (same password as the demo)."""
    district = session.scalar(select(District).filter_by(name=DISTRICT))
    if district is None:
        raise SystemExit("no demo district: run `flask --app school setup` first")
    pw_hash = session.scalar(select(User.password_hash).filter_by(login="coordinator1"))
    team = Team(district=district, name=BIG_TEAM_NAME)
    session.add(team)
    session.flush()
    first = (session.scalar(select(func.max(PollingStation.number))) or 0) + 1
    _bulk(session, PollingStation, [
        {"district_id": district.id, "team_id": team.id, "number": first + n, "address": f"ул. Толе би, {n + 1}"}
        for n in range(BIG_STATIONS)])
    stations = list(session.scalars(select(PollingStation.id).filter_by(team_id=team.id)
                                    .order_by(PollingStation.number)))
    now = utcnow()
    users = [{"login": BIG_COORDINATOR, "full_name": _person(5000), "role": "coordinator", "team_id": team.id,
              "password_hash": pw_hash, "session_version": 1, "active": True, "created_at": now}]
    for c in range(BIG_TEAM):
        users.append({"login": f"big-{c + 1}", "full_name": _person(10_000 + c * 7), "role": "consultant",
                      "team_id": team.id, "polling_station_id": stations[c % len(stations)],
                      "password_hash": pw_hash, "session_version": 1, "active": True, "created_at": now})
    _bulk(session, User, users)
    return team


def _activity(session, rng):
    """Reading progress and submitted attempts for every consultant that has none yet."""
    now = utcnow()
    modules = list(session.scalars(select(Module).order_by(Module.position)))
    sections = {m.id: list(session.scalars(select(Section).filter_by(module_id=m.id).order_by(Section.position)))
                for m in modules}
    quizzes = {q.slug: q for q in session.scalars(select(Quiz))}
    banks = {q.id: list(session.scalars(select(Question).filter_by(quiz_id=q.id, active=True)
                                        .order_by(Question.position))) for q in quizzes.values()}
    busy = select(SectionProgress.user_id).union(select(Attempt.user_id))  # setup's demo may have some
    consultants = list(session.scalars(select(User.id).where(User.role == "consultant", User.id.not_in(busy))
                                       .order_by(User.id)))
    progress_rows, attempts, questions = [], [], []
    for uid in consultants:
        # depth: 0 not started (10%), 1 reading module 1 (25%), 2 module 1 read + its quiz and reading
        # module 2 (25%), 3 both modules read + both quizzes (40%)
        r = rng.random()
        depth = 0 if r < 0.10 else 1 if r < 0.35 else 2 if r < 0.60 else 3
        if depth == 0:
            continue
        day = now - timedelta(days=rng.uniform(3, 40))
        skill = rng.uniform(0.6, 1.0)
        for mi, m in enumerate(modules):
            secs = sections[m.id]
            if depth <= mi:
                break
            full = depth >= mi + 2  # else: still reading this module
            n_read = len(secs) if full else rng.randrange(0, len(secs))
            for i, s in enumerate(secs[:n_read + (0 if full else 1)]):
                opened = day + timedelta(minutes=20 * i)
                done = i < n_read
                cap = min(MAX_SECTION_SECONDS, s.minutes * 3 * 60)
                spent = int(min(cap, s.minutes * 60 * rng.uniform(0.5, 1.6))) if done else 0
                progress_rows.append({
                    "user_id": uid, "section_id": s.id, "first_opened_at": opened,
                    "last_opened_at": opened + timedelta(seconds=spent),
                    "completed_at": opened + timedelta(seconds=spent) if done else None, "seconds_spent": spent})
            day += timedelta(days=rng.uniform(0.5, 4))
            quiz = quizzes.get(m.quiz_slug)
            if not full or quiz is None:
                continue
            for number in range(1, (quiz.max_attempts or 3) + 1):
                started = day + timedelta(hours=number * 2)
                aq = []
                for pos, q in enumerate(_draw(quiz, banks, rng)):
                    snap = attempt_svc._snapshot(q, rng)
                    answer = snap["correct"] if rng.random() < skill else _wrong(snap)
                    points = REGISTRY[snap["type"]].grade(snap, answer)
                    aq.append({"question_id": q.id, "position": pos + 1, "snapshot": snap, "answer": answer,
                               "answered_at": started + timedelta(minutes=pos), "points": points})
                score = round(100 * sum(a["points"] for a in aq) / max(1, len(aq)), 1)
                submitted = started + timedelta(minutes=len(aq) + 2)
                attempts.append({"user_id": uid, "quiz_id": quiz.id, "number": number, "status": "submitted",
                                 "started_at": started,
                                 "deadline": started + timedelta(minutes=quiz.time_limit_min)
                                 if quiz.time_limit_min else None,
                                 "submitted_at": submitted, "score": score, "passed": score >= quiz.pass_mark})
                questions.append(aq)
                if score >= quiz.pass_mark:
                    break
                skill = min(1.0, skill + 0.1)  # they study between attempts
            day += timedelta(days=1)
    _bulk(session, SectionProgress, progress_rows)
    ids = []
    for i in range(0, len(attempts), CHUNK):
        ids += session.scalars(insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True),
                               attempts[i:i + CHUNK]).all()
    _bulk(session, AttemptQuestion, [{**q, "attempt_id": aid} for aid, aq in zip(ids, questions, strict=True)
                                     for q in aq])
    return len(consultants), len(progress_rows), len(attempts), sum(len(aq) for aq in questions)


def _draw(quiz, banks, rng):
    """attempt_svc._draw without a query per attempt: the same sampling on a preloaded bank."""
    bank = list(banks[quiz.id])
    if quiz.questions_per_attempt and quiz.questions_per_attempt < len(bank):
        bank = sorted(rng.sample(bank, quiz.questions_per_attempt), key=lambda q: q.position)
    if quiz.shuffle:
        rng.shuffle(bank)
    return bank


def _ensure_quizzes(app, session):
    """The quiz rows need the banks. If `setup` loaded none because a bank fails the bank-wide rules
    (enough questions to retake, no tells: content work in progress), load them with the file and
    question checks only, and say so: the rules are about the content, not about speed."""
    if session.scalar(select(func.count()).select_from(Quiz)):
        return
    bundle = read_content(app.config["COURSES_DIR"], app.config["QUIZZES_DIR"])
    if bundle.errors:
        raise SystemExit("seed: the quiz banks do not load:\n" + "\n".join(map(str, bundle.errors)))
    load_content(session, bundle)
    print("seed: the banks fail `content check` (bank-wide rules); loaded without those rules", file=sys.stderr)


def main():
    started = time.perf_counter()
    app = create_app()
    with app.app_context():
        session = db.session
        _ensure_quizzes(app, session)
        team = session.scalar(select(Team).filter_by(name=BIG_TEAM_NAME))
        if team is None:
            team = _big_team(session)
        counts = _activity(session, random.Random(42))
        qualification.refresh_all(session)  # the stored fact, as grading would have left it
        session.commit()
        small = session.scalar(select(User.team_id).filter_by(login="coordinator1"))
        module = session.scalar(select(Module).order_by(Module.position))
        first_section = session.scalar(select(Section.slug).filter_by(module_id=module.id).order_by(Section.position))
        big = team_readiness(session, team.id)
        small_r = team_readiness(session, small)
        print(f"seeded {counts[0]} consultants: {counts[1]} section_progress, {counts[2]} attempts, "
              f"{counts[3]} attempt_questions in {time.perf_counter() - started:.1f}s; "
              f"big team {big.qualified}/{big.total} qualified, team {small} {small_r.qualified}/{small_r.total}",
              file=sys.stderr)
        print(f"BENCH_BIG_TEAM_ID={team.id}")
        print(f"BENCH_BIG_TEAM_SIZE={big.total}")
        print(f"BENCH_BIG_COORDINATOR={BIG_COORDINATOR}")
        print(f"BENCH_SMALL_TEAM_ID={small}")
        print(f"BENCH_SMALL_TEAM_SIZE={small_r.total}")
        print(f"BENCH_MODULE={module.slug}")
        print(f"BENCH_SECTION={first_section}")


if __name__ == "__main__":
    main()

"""Consultants prepared for the quiz rows of bench/run.sh and for `make bench-load`, and the checks
that those rows did what they claim.

Each pool is a team of fresh consultants (bulk INSERTs) with signed-in session cookies and CSRF tokens
(bench/signin.py), written as one request per line for bench/wrk.lua:
`method <TAB> path <TAB> session cookie <TAB> form body <TAB> Accept`.

* start:  consultants with no attempt; each line starts the quiz once (POST /quizzes/<slug>/start);
* submit: consultants with an open attempt, every question answered; each line submits it once
          (the whole form, as the page posts it, with confirm=1);
* save:   consultants with an open attempt; one line per question, each sent once (autosave of one
          answer, JSON);
* page:   consultants with an open attempt, half answered; GET /attempts/<id> (the quiz page).

Usage (DATABASE_URL set, after bench/seed.py):
    pools.py wrk DIR           write DIR/{start,submit,save,page}.tsv, print BENCH_* lines
    pools.py load N FILE       N fresh consultants for bench-load: JSON [{"id", "cookie"}]
    pools.py check DIR POOL REQUESTS CONNECTIONS   did the save, start or submit row do what it claims?
"""

import json
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.signin import signed_in  # noqa: E402
from school import create_app  # noqa: E402
from school.extensions import db  # noqa: E402
from school.models import Attempt, AttemptQuestion, District, Question, Quiz, Team, User  # noqa: E402
from school.models._types import utcnow  # noqa: E402
from school.services import qualification  # noqa: E402
from school.services.attempts import _snapshot  # noqa: E402
from school.services.question_types import REGISTRY  # noqa: E402

QUIZ = os.environ.get("BENCH_QUIZ", "election-law")
POOL = int(os.environ.get("BENCH_POOL", "2000"))  # start and submit: one consultant per request
SAVES = int(os.environ.get("BENCH_SAVE_POOL", "600"))  # save: 20 lines each, each sent once
CYCLED = int(os.environ.get("BENCH_CYCLED", "200"))  # quiz page: requests cycle through these
CHUNK = 2000


def _bulk(session, model, rows, returning=None):
    ids = []
    for i in range(0, len(rows), CHUNK):
        if returning is None:
            session.execute(insert(model), rows[i:i + CHUNK])
        else:
            ids += session.scalars(insert(model).returning(returning, sort_by_parameter_order=True),
                                   rows[i:i + CHUNK]).all()
    return ids


def consultants(session, pool: str, count: int) -> list[int]:
    """`count` new consultants in their own team `bench-<pool>` of the first district."""
    district = session.scalar(select(District).order_by(District.id))
    pw_hash = session.scalar(select(User.password_hash).where(User.role == "consultant").limit(1)) or ""
    team = Team(district=district, name=f"bench-{pool}-{time.time_ns()}")
    session.add(team)
    session.flush()
    now = utcnow()
    return _bulk(session, User, [
        {"login": f"{team.name}-{n}", "full_name": f"Нагрузка {pool} {n}", "role": "consultant", "team_id": team.id,
         "password_hash": pw_hash, "session_version": 1, "active": True, "created_at": now}
        for n in range(count)], returning=User.id)


def open_attempts(session, quiz: Quiz, user_ids: list[int], answered: float, rng) -> list[dict]:
    """An open attempt per consultant, drawn like the app draws, with a share of questions answered
    (right or wrong at random) and a tab token as if its page had been loaded once."""
    bank = list(session.scalars(select(Question).filter_by(quiz_id=quiz.id, active=True)))
    per = min(len(bank), quiz.questions_per_attempt or len(bank))
    now = utcnow()
    deadline = now + timedelta(minutes=quiz.time_limit_min) if quiz.time_limit_min else None
    tabs = [f"{rng.getrandbits(128):032x}" for _ in user_ids]
    ids = _bulk(session, Attempt, [
        {"user_id": uid, "quiz_id": quiz.id, "number": 1, "status": "open", "started_at": now, "deadline": deadline,
         "tab_token": tab} for uid, tab in zip(user_ids, tabs, strict=True)], returning=Attempt.id)
    out, rows = [], []
    for attempt_id, tab in zip(ids, tabs, strict=True):
        questions = []
        for pos, q in enumerate(rng.sample(bank, per), start=1):
            snap = _snapshot(q, rng)
            answer = _answer(snap, rng) if rng.random() < answered else None
            rows.append({"attempt_id": attempt_id, "question_id": q.id, "position": pos, "snapshot": snap,
                         "answer": answer, "answered_at": now if answer is not None else None})
            questions.append((pos, snap, answer if answer is not None else _answer(snap, rng)))
        out.append({"id": attempt_id, "tab": tab, "questions": questions})
    _bulk(session, AttemptQuestion, rows)
    qualification.refresh(session, user_ids)  # an attempt started: in progress
    return out


def _answer(snap: dict, rng):
    """The key most of the time, else another option's answer: only the shape matters here."""
    if rng.random() < 0.8 or snap["type"] not in ("single", "truefalse"):
        return snap["correct"]
    return [rng.choice(snap["choices"])["id"]]


def fields(pos: int, snap: dict, answer) -> list[tuple[str, str]]:
    return [("_q", str(pos)), *REGISTRY[snap["type"]].fields(pos, snap, answer)]


def _line(method, path, cookie, body=None, accept=""):
    return "\t".join((method, path, cookie, urlencode(body) if body else "", accept)) + "\n"


def write_wrk_pools(app, out: Path) -> None:
    rng = random.Random(12)
    session = db.session
    quiz = session.scalar(select(Quiz).filter_by(slug=QUIZ))
    if quiz is None:
        raise SystemExit(f"no quiz «{QUIZ}» in the database")
    pools = {name: consultants(session, name, n)
             for name, n in (("start", POOL), ("submit", POOL), ("save", SAVES), ("page", CYCLED))}
    attempts = {"submit": open_attempts(session, quiz, pools["submit"], 1.0, rng),
                "save": open_attempts(session, quiz, pools["save"], 0.5, rng),
                "page": open_attempts(session, quiz, pools["page"], 0.5, rng)}
    session.commit()
    prepared_at = utcnow()  # after every answer written above: a save's answered_at is later
    signed = {name: signed_in(app, [(uid, 1) for uid in ids]) for name, ids in pools.items()}
    with open(out / "start.tsv", "w") as f:
        for cookie, token in signed["start"]:
            f.write(_line("POST", f"/quizzes/{QUIZ}/start", cookie, [("csrf_token", token)]))
    with open(out / "submit.tsv", "w") as f:
        for (cookie, token), att in zip(signed["submit"], attempts["submit"], strict=True):
            body = [("csrf_token", token), ("tab", att["tab"])]
            body += [kv for pos, snap, answer in att["questions"] for kv in fields(pos, snap, answer)]
            f.write(_line("POST", f"/attempts/{att['id']}/submit", cookie, body + [("confirm", "1")]))
    with open(out / "save.tsv", "w") as f:  # question-major: consecutive requests go to different attempts
        for i in range(len(attempts["save"][0]["questions"])):
            for (cookie, token), att in zip(signed["save"], attempts["save"], strict=True):
                pos, snap, answer = att["questions"][i]
                body = [("csrf_token", token), ("tab", att["tab"]), *fields(pos, snap, answer)]
                f.write(_line("POST", f"/attempts/{att['id']}/save", cookie, body, "application/json"))
    with open(out / "page.tsv", "w") as f:
        for (cookie, _), att in zip(signed["page"], attempts["page"], strict=True):
            f.write(_line("GET", f"/attempts/{att['id']}", cookie))
    save_lines = sum(len(a["questions"]) for a in attempts["save"])
    state = {**pools, "prepared_at": prepared_at.isoformat(), "save_lines": save_lines}
    (out / "pools.json").write_text(json.dumps(state))
    print(f"BENCH_QUIZ={QUIZ}")
    print(f"BENCH_QUESTIONS={len(attempts['save'][0]['questions'])}")
    print(f"BENCH_POOL={POOL}")


def write_load_pool(app, count: int, out: Path) -> None:
    ids = consultants(db.session, "load", count)
    db.session.commit()
    users = [{"id": uid, "cookie": cookie} for uid, (cookie, _) in zip(ids, signed_in(app, [(i, 1) for i in ids]),
                                                                      strict=True)]
    out.write_text(json.dumps({"quiz": QUIZ, "users": users}))


def check(out: Path, pool: str, requests: int, connections: int, statuses: str = "") -> int:
    """Did the row do what it claims? start: one attempt started per request; submit: one attempt
    graded per request, its score matching its answers; save: the answers saved (each request saves
    one question, each line once). wrk may stop with one request in flight per connection."""
    state = json.loads((out / "pools.json").read_text())
    user_ids, session = state[pool], db.session
    attempts = select(Attempt.id).where(Attempt.user_id.in_(user_ids))
    if pool == "save":
        since = datetime.fromisoformat(state["prepared_at"])
        done = session.scalar(select(func.count()).select_from(AttemptQuestion).where(
            AttemptQuestion.attempt_id.in_(attempts), AttemptQuestion.answered_at > since))
        ok, what = requests <= done <= requests + connections, "answers saved since prepared"
    else:
        if pool == "submit":
            attempts = attempts.where(Attempt.status == "submitted")
        done = session.scalar(select(func.count()).select_from(attempts.subquery()))
        ok = requests <= done <= requests + connections
        what = "attempts started" if pool == "start" else "attempts graded"
    expected = "200" if pool == "save" else "302"  # the JSON answer; a redirect to the attempt
    if statuses and any(not part.startswith(expected + "=") for part in statuses.split()):
        ok, what = False, what + f", but not every answer was {expected}"
    if pool == "submit":
        wrong = [a.id for a in session.scalars(select(Attempt).where(Attempt.user_id.in_(user_ids),
                                                                     Attempt.status == "submitted"))
                 if a.score != round(100 * sum(q.points or 0 for q in a.questions) / len(a.questions), 1)
                 or any(q.answer is None for q in a.questions)]
        ok = ok and not wrong
        what += f", {len(wrong)} with a score or answers that do not match"
    print(f"# check {pool}: {requests} requests ({statuses or 'statuses unknown'}), {done} {what}: "
          f"{'ok' if ok else 'MISMATCH'}")
    return 0 if ok else 1


def main(argv):
    app = create_app()
    with app.app_context():
        if argv[:1] == ["wrk"]:
            return write_wrk_pools(app, Path(argv[1]))
        if argv[:1] == ["load"]:
            return write_load_pool(app, int(argv[1]), Path(argv[2]))
        if argv[:1] == ["check"]:
            return check(Path(argv[1]), argv[2], int(argv[3]), int(argv[4]), " ".join(argv[5:]))
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""After a bench-load run: did the rush lose anything? Compares what the clients were told with the database.

* every answer acknowledged to a client (listed in the save's JSON `saved`) is stored, and it is the
  answer those posted fields mean (parsed again by the app's own question types);
* every consultant of the pool has exactly one attempt, submitted, graded once: each question's points
  are the grade of its stored answer and the score is their sum; their stored qualification is refreshed;
* 0 errors: no locust failure and no 5xx in the server logs.

Prints one summary line (also appended to --out) with the save p50/p95 from locust's CSV and locust's own
CPU share. Exit 1 if any check fails. Run with DATABASE_URL set:
    check.py --pool users.json --acks acks.jsonl --stats PREFIX --cpu cpu.json --label L [--out F] LOG...
"""

import argparse
import csv
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from school import create_app  # noqa: E402
from school.extensions import db  # noqa: E402
from school.models import Attempt, AttemptQuestion, Qualification  # noqa: E402
from school.services.question_types import REGISTRY, parse_posted  # noqa: E402


def lost_answers(session, acks: list[dict]) -> list[str]:
    """Acknowledged answers that are not stored as acknowledged."""
    stored = {(aq.attempt_id, aq.position): aq for aq in session.scalars(
        select(AttemptQuestion).where(AttemptQuestion.attempt_id.in_({a["attempt"] for a in acks})))}
    lost = []
    for ack in acks:
        aq = stored.get((ack["attempt"], ack["pos"]))
        expected = parse_posted(ack["pos"], aq.snapshot, MultiDict(ack["fields"]))[0] if aq else None
        if aq is None or aq.answer != expected:
            lost.append(f"attempt {ack['attempt']} question {ack['pos']}")
    return lost


def grading_errors(session, user_ids: list[int]) -> tuple[int, list[str]]:
    """(attempts graded, problems): one submitted attempt per consultant, graded from its stored answers."""
    problems, graded = [], 0
    per_user = dict(session.execute(select(Attempt.user_id, func.count()).where(Attempt.user_id.in_(user_ids))
                                    .group_by(Attempt.user_id)).all())
    problems += [f"consultant {u}: {per_user.get(u, 0)} attempts" for u in user_ids if per_user.get(u, 0) != 1]
    for a in session.scalars(select(Attempt).where(Attempt.user_id.in_(user_ids))):
        if a.status != "submitted" or a.submitted_at is None or a.score is None:
            problems.append(f"attempt {a.id}: {a.status}, not graded")
            continue
        graded += 1
        points = [REGISTRY[q.snapshot["type"]].grade(q.snapshot, q.answer) if q.answer is not None else 0.0
                  for q in a.questions]
        if [q.points for q in a.questions] != points or a.score != round(100 * sum(points) / len(points), 1):
            problems.append(f"attempt {a.id}: points or score do not match its answers")
    stale = session.scalar(select(func.count()).select_from(Qualification).where(
        Qualification.user_id.in_(user_ids), Qualification.status == "not_started"))
    missing = len(user_ids) - session.scalar(select(func.count()).select_from(Qualification).where(
        Qualification.user_id.in_(user_ids)))
    if stale or missing:
        problems.append(f"qualification not refreshed for {stale + missing} consultants")
    return graded, problems


def locust_stats(prefix: str) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def server_errors(logs: list[str]) -> int:
    count = 0
    for log in logs:
        for line in open(log, encoding="utf-8", errors="replace"):
            if line.startswith("{") and '"status": 5' in line:
                count += 1
    return count


def main():
    ap = argparse.ArgumentParser()
    for name in ("--pool", "--acks", "--stats", "--cpu", "--label"):
        ap.add_argument(name, required=True)
    ap.add_argument("--out")
    ap.add_argument("logs", nargs="*")
    args = ap.parse_args()
    users = [u["id"] for u in json.loads(Path(args.pool).read_text())["users"]]
    acks = [json.loads(line) for line in open(args.acks, encoding="utf-8")]
    stats, cpu = locust_stats(args.stats), json.loads(Path(args.cpu).read_text())
    app = create_app()
    with app.app_context():
        lost = lost_answers(db.session, acks)
        graded, problems = grading_errors(db.session, users)
    total = stats["Aggregated"]
    failures, errors5xx = int(total["Failure Count"]), server_errors(args.logs)
    save = stats.get("save", {})
    share = 100 * cpu["cpu"] / max(cpu["wall"], 1e-9)
    ok = not lost and not problems and failures == 0 and errors5xx == 0 and graded == len(users)
    line = (f"{args.label}: {len(users)} consultants, {total['Request Count']} requests in {cpu['wall']:.0f}s "
            f"({float(total['Requests/s']):.0f}/s), {failures} failures, {errors5xx} server errors; "
            f"saves {save.get('Request Count', 0)}: p50 {save.get('50%', '?')} ms, p95 {save.get('95%', '?')} ms, "
            f"p99 {save.get('99%', '?')} ms; {len(acks)} acknowledged answers, {len(lost)} lost; "
            f"{graded} attempts graded once, {len(problems)} problems; "
            f"locust CPU {share:.0f}% of one core ({share / cpu['cores']:.0f}% of the machine): "
            f"{'ok' if ok else 'FAILED'}")
    print(line)
    for problem in (lost + problems)[:20]:
        print("  " + problem)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Exactly once under real concurrency: threads against a scratch PostgreSQL database."""

import random
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from school.extensions import db
from school.models import Attempt, AuditEntry, Quiz, Section, SectionProgress, Signoff, User
from school.services import answering, progress, signoff
from school.services import attempts as svc
from school.services.question_types import REGISTRY

from .helpers import answer_fields, attempt_form
from .pg import scratch_pg_app
from .test_consultant_tools import _qualify

THREADS = 8
SAVERS = 12


@pytest.fixture(scope="module")
def pg_app():
    with scratch_pg_app("concurrency", SAVERS + 4) as app:
        yield app


def _new_user(app) -> int:
    with app.app_context():
        user = User(login=f"u{uuid.uuid4().hex[:10]}", full_name="Параллельный", role="consultant", password_hash="x")
        db.session.add(user)
        db.session.commit()
        return user.id


def _run_together(app, work):
    """Run work() in THREADS threads released at the same moment; return their results or exceptions."""
    barrier, results = threading.Barrier(THREADS), [None] * THREADS

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work()
            except Exception as exc:  # collected and asserted on by the test
                results[i] = exc
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_tabs_starting_at_once_get_one_attempt(pg_app):
    user_id = _new_user(pg_app)

    def start():
        quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
        return svc.start_attempt(db.session, user_id, quiz).id
    ids = _run_together(pg_app, start)
    assert all(isinstance(i, int) for i in ids), ids
    assert len(set(ids)) == 1
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt).filter_by(user_id=user_id)) == 1


def test_concurrent_submits_grade_once(pg_app):
    user_id = _new_user(pg_app)
    with pg_app.app_context():
        quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
        attempt_id = svc.start_attempt(db.session, user_id, quiz).id
        right = attempt_form(attempt_id)
        wrong = attempt_form(attempt_id, right=False)
    counter = iter(range(THREADS))
    lock = threading.Lock()

    def submit():
        with lock:
            n = next(counter)
        form = right if n % 2 == 0 else wrong
        attempt = db.session.get(Attempt, attempt_id)
        data = MultiDict([(k, x) for k, v in form.items() for x in (v if isinstance(v, list) else [v])])
        answering.submit_attempt(db.session, attempt, data)
        return attempt.score
    results = _run_together(pg_app, submit)
    scores = [r for r in results if isinstance(r, float)]
    refused = [r for r in results if isinstance(r, svc.QuizRuleError)]
    assert len(scores) == 1 and len(refused) == THREADS - 1, results
    with pg_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted" and attempt.score == scores[0]
        # the stored answers are the winner's, graded once: the score matches them
        points = sum(q.points for q in attempt.questions)
        assert round(100 * points / len(attempt.questions), 1) == attempt.score


def _forms(attempt_id):
    """For each question, a right and a wrong single-question save."""
    attempt = db.session.get(Attempt, attempt_id)
    return [MultiDict([*((k, x) for k, v in answer_fields(aq, right).items() for x in v), ("_q", str(aq.position))])
            for aq in attempt.questions for right in (True, False)]


def test_saves_racing_the_submit_never_change_a_graded_attempt(pg_app):
    """12 threads keep saving while one submits: every stored answer matches its graded points,
    and no save that starts after the submit returned is accepted."""
    user_id = _new_user(pg_app)
    with pg_app.app_context():
        quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
        attempt_id = svc.start_attempt(db.session, user_id, quiz).id
        forms = _forms(attempt_id)
    barrier, saves, submitted = threading.Barrier(SAVERS + 1), [], {}

    def saver(seed):
        rng = random.Random(seed)
        with pg_app.app_context():
            barrier.wait()
            while True:
                started = time.monotonic()
                try:
                    answering.save_answers(db.session, db.session.get(Attempt, attempt_id), rng.choice(forms))
                    saves.append(("saved", started))
                except svc.QuizRuleError:
                    saves.append(("refused", started))
                    break
                finally:
                    db.session.remove()

    def submitter():
        with pg_app.app_context():
            barrier.wait()
            deadline = time.monotonic() + 10  # submit while the savers are in full swing, however loaded the machine
            while sum(kind == "saved" for kind, _ in saves) < SAVERS and time.monotonic() < deadline:
                time.sleep(0.005)
            answering.submit_attempt(db.session, db.session.get(Attempt, attempt_id), MultiDict())
            submitted["at"] = time.monotonic()
            db.session.remove()
    threads = [threading.Thread(target=saver, args=(i,)) for i in range(SAVERS)] + [threading.Thread(target=submitter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert "at" in submitted and sum(kind == "saved" for kind, _ in saves) > SAVERS
    assert not [started for kind, started in saves if kind == "saved" and started > submitted["at"]]
    assert sum(kind == "refused" for kind, _ in saves) == SAVERS
    with pg_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "submitted"
        for aq in attempt.questions:
            expected = REGISTRY[aq.snapshot["type"]].grade(aq.snapshot, aq.answer) if aq.answer is not None else 0.0
            assert aq.points == expected, (aq.position, aq.answer, aq.points)
        assert attempt.score == round(100 * sum(q.points for q in attempt.questions) / len(attempt.questions), 1)


def test_a_section_opened_or_done_at_once_keeps_one_row(pg_app):
    """The first open of a section and «section done», sent at once (double click, two tabs): no error,
    one progress row."""
    for action in (progress.open_section, progress.complete_section) * 3:
        user_id = _new_user(pg_app)

        def read(action=action, user_id=user_id):
            action(db.session, user_id, db.session.scalar(select(Section).order_by(Section.id)))
            db.session.commit()
            return "ok"
        assert _run_together(pg_app, read) == ["ok"] * THREADS
        with pg_app.app_context():
            rows = db.session.scalars(select(SectionProgress).filter_by(user_id=user_id)).all()
            assert len(rows) == 1 and (rows[0].completed_at is not None) == (action is progress.complete_section)


def test_a_double_clicked_signoff_confirms_once(pg_app):
    coordinator_id, consultant_id = _new_user(pg_app), _new_user(pg_app)
    with pg_app.app_context():
        _qualify(db, db.session.get(User, consultant_id))

    def confirm():
        signoff.confirm(db.session, db.session.get(User, consultant_id), db.session.get(User, coordinator_id))
        db.session.commit()
        return "confirmed"
    results = _run_together(pg_app, confirm)
    refused = [r for r in results if isinstance(r, signoff.SignoffError)]
    assert results.count("confirmed") == 1 and len(refused) == THREADS - 1, results
    with pg_app.app_context():
        assert db.session.scalar(select(Signoff).filter_by(consultant_id=consultant_id)).active
        entries = select(AuditEntry).filter_by(action="signoff.confirm", target_user_id=consultant_id)
        assert len(db.session.scalars(entries).all()) == 1

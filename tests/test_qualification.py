"""Qualification is one stored, derived fact: every page and export agrees with it in every state,
it changes in the same transaction as the event that changes it, and rebuilding gives the same."""

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from config import BASE_DIR
from school.models import Qualification, Quiz, Section
from school.services import answering, progress, signoff
from school.services import attempts as svc
from school.services import qualification as qual
from school.services.content import load_content, read_content

from .conftest import PASSWORD, csrf_from
from .helpers import attempt_form
from .test_quiz import _form

DATA = BASE_DIR / "tests" / "data"


def _client(app, user):
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def _what_pages_say(app, db, people) -> dict[str, str]:
    """The consultant's status as each page and export shows it."""
    consultant, coordinator, admin = people
    said = {}
    dashboard = _client(app, consultant).get("/dashboard").get_data(as_text=True)
    said["dashboard"] = ("qualified" if "Вы квалифицированы с" in dashboard else
                         "needs_update" if "Нужно обновить квалификацию" in dashboard else "not qualified")
    as_coordinator = _client(app, coordinator)
    team = as_coordinator.get(f"/teams/{consultant.team_id}").get_data(as_text=True)
    said["team page"] = re.search(r'<tr class="status-(\w+)">', team).group(1)
    page = as_coordinator.get(f"/consultants/{consultant.id}").get_data(as_text=True)
    yes = 'Квалификация: <strong class="ok">да</strong>'
    update = 'Квалификация: <strong class="bad">нужно обновить</strong>'
    said["consultant page"] = "qualified" if yes in page else "needs_update" if update in page else "not qualified"
    export = as_coordinator.get(f"/teams/{consultant.team_id}/readiness.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    said["csv"] = rows[1][rows[0].index("Статус")]
    overview = _client(app, admin).get("/admin/").get_data(as_text=True)
    cells = re.search(r'data-label="Квалифицированы">(\d+) из 1</td>\s*<td data-label="Начали, не закончили">(\d+)'
                      r'</td>\s*<td data-label="Нужно обновить">(\d+)', overview)
    said["admin overview"] = {("1", "0", "0"): "qualified", ("0", "1", "0"): "in_progress",
                              ("0", "0", "0"): "not_started", ("0", "0", "1"): "needs_update"}[cells.groups()]
    db.session.expire_all()
    said["stored"] = db.session.get(Qualification, consultant.id).status
    return said


EXPECTED = {
    "not_started": {"dashboard": "not qualified", "team page": "not_started", "consultant page": "not qualified",
                    "csv": "Не начинал", "admin overview": "not_started", "stored": "not_started"},
    "in_progress": {"dashboard": "not qualified", "team page": "in_progress", "consultant page": "not qualified",
                    "csv": "Ещё нет", "admin overview": "in_progress", "stored": "in_progress"},
    "qualified": {"dashboard": "qualified", "team page": "qualified", "consultant page": "qualified",
                  "csv": "Квалифицирован", "admin overview": "qualified", "stored": "qualified"},
    "needs_update": {"dashboard": "needs_update", "team page": "needs_update", "consultant page": "needs_update",
                     "csv": "Нужно обновить", "admin overview": "needs_update", "stored": "needs_update"},
}


def _load(db, tmp_path, situations_required=True):
    """Load the test content again, with the situations quiz required or not."""
    quizzes = tmp_path / "quizzes"
    shutil.rmtree(quizzes, ignore_errors=True)
    shutil.copytree(DATA / "quizzes", quizzes)
    if not situations_required:
        path = quizzes / "situations.txt"
        path.write_text(path.read_text().replace("pass_mark: 50\n", "pass_mark: 50\nrequired: no\n"))
    load_content(db.session, read_content(str(DATA / "courses"), str(quizzes)))


def _pass(db, user, slug):
    quiz = db.session.scalar(select(Quiz).filter_by(slug=slug))
    attempt = svc.start_attempt(db.session, user.id, quiz)
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))


def test_one_consultant_through_every_state_and_every_page_agrees(app, db, make, tmp_path):
    team = make.team()
    consultant = make.user(team=team, station=make.station(team))
    people = (consultant, make.user("coordinator", team=team), make.user("admin"))

    def check(state):
        assert _what_pages_say(app, db, people) == EXPECTED[state], state
        may_sign_off = state == "qualified"
        try:
            signoff.confirm(db.session, consultant, people[1])
            signed = True
        except signoff.SignoffError:
            signed = False
        db.session.rollback()
        assert signed is may_sign_off, state

    qual.refresh(db.session, [consultant.id])
    db.session.commit()
    check("not_started")
    progress.open_section(db.session, consultant.id, db.session.scalar(select(Section)))
    db.session.commit()
    check("in_progress")
    _pass(db, consultant, "law")
    check("in_progress")  # one of two required quizzes
    _load(db, tmp_path, situations_required=False)  # the center drops a requirement: qualified now
    check("qualified")
    _load(db, tmp_path, situations_required=True)  # and restores it: not any more
    check("in_progress")
    _pass(db, consultant, "situations")
    check("qualified")


def test_the_stored_fact_changes_in_the_same_transaction_as_the_grading(db, make):
    user = make.user()
    quiz = db.session.scalar(select(Quiz).filter_by(slug="situations"))
    attempt = svc.start_attempt(db.session, user.id, quiz)
    assert qual.of(db.session, user.id).status == "in_progress"
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))
    db.session.rollback()  # nothing pending: the grading committed the fact with it
    assert qual.of(db.session, user.id).status == "in_progress"  # law is still required
    _pass(db, user, "law")
    db.session.expire_all()
    row = qual.of(db.session, user.id)
    assert row.status == "qualified" and row.qualified_at is not None


def test_rebuild_equals_the_incremental_result(db, make, runner):
    team = make.team()
    people = [make.user(team=team) for _ in range(5)]
    sections = list(db.session.scalars(select(Section)))
    progress.open_section(db.session, people[1].id, sections[0])
    db.session.commit()
    _pass(db, people[2], "law")
    _pass(db, people[3], "law")
    _pass(db, people[3], "situations")
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    failed = svc.start_attempt(db.session, people[4].id, quiz)
    answering.submit_attempt(db.session, failed, _form(attempt_form(failed.id, right=False)))
    qual.refresh(db.session, [people[0].id])
    db.session.commit()

    def snapshot():
        db.session.expire_all()
        return {(q.user_id, q.status, q.qualified_at, q.started_at) for q in db.session.scalars(select(Qualification))}
    incremental = snapshot()
    assert {s for _, s, _, _ in incremental} == {"not_started", "in_progress", "qualified"}
    result = runner.invoke(args=["qualification", "rebuild"])
    assert result.exit_code == 0 and "Пересчитана квалификация консультантов: 5" in result.output
    assert snapshot() == incremental


def test_only_the_qualification_service_decides_what_is_required():
    """One definition: no other module filters quizzes by `required` or counts "started" itself."""
    for path in (Path(BASE_DIR) / "school").rglob("*.py"):
        if path.name in ("qualification.py",) or "models" in path.parts:
            continue
        source = path.read_text()
        assert "Quiz.required" not in source and ".required]" not in source, path


def test_needs_update_after_a_change_of_the_law_every_page_agrees(app, db, make, tmp_path):
    """Qualified → «нужно обновить» (a re-check is required after a change of the law) → qualified again;
    sign-off waits for the re-check, and the export keeps what is left to do."""
    from .test_law_changes import BEFORE, qualify, require, take

    team = make.team()
    consultant = make.user(team=team, station=make.station(team))
    people = (consultant, make.user("coordinator", team=team), make.user("admin"))
    qualify(db, consultant, BEFORE)
    assert _what_pages_say(app, db, people) == EXPECTED["qualified"]
    _, quiz = require(db, tmp_path, people[2])
    assert _what_pages_say(app, db, people) == EXPECTED["needs_update"]
    with pytest.raises(signoff.SignoffError):
        signoff.confirm(db.session, consultant, people[1])
    db.session.rollback()
    export = _client(app, people[1]).get(f"/teams/{team.id}/readiness.csv").get_data(as_text=True)
    assert f"«{quiz.title}»: не сдана" in export
    take(db, consultant, quiz.slug)
    assert _what_pages_say(app, db, people) == EXPECTED["qualified"]

"""The whole path through the Flask client: a consultant studies and passes, the coordinator sees it."""

import re

from sqlalchemy import select

from school.models import Attempt, Module

from .conftest import csrf_from, tab_from
from .helpers import attempt_form


def _read_module(client, module):
    for section in module.sections:
        page = client.get(f"/modules/{module.slug}/{section.slug}")
        assert page.status_code == 200 and section.title in page.get_data(as_text=True)
        done = client.post(f"/modules/{module.slug}/{section.slug}/done", data={"csrf_token": csrf_from(page)})
        assert done.status_code == 302, section.slug


def _pass_quiz(client, db, slug):
    page = client.get(f"/quizzes/{slug}")
    started = client.post(f"/quizzes/{slug}/start", data={"csrf_token": csrf_from(page)})
    attempt_id = int(re.search(r"/attempts/(\d+)", started.headers["Location"]).group(1))
    take = client.get(f"/attempts/{attempt_id}")
    assert take.status_code == 200
    form = attempt_form(attempt_id, token=csrf_from(take), tab=tab_from(take))
    submitted = client.post(f"/attempts/{attempt_id}/submit", data=form)
    assert submitted.status_code == 302
    result = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "тест сдан" in result
    return db.session.get(Attempt, attempt_id)


def test_consultant_studies_passes_and_coordinator_sees_qualified(client, db, make, login_as):
    team = make.team()
    station = make.station(team)
    coordinator = make.user("coordinator", team=team)
    consultant = make.user("consultant", team=team, station=station, name="Абенова Айгерим")
    login_as(consultant)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Право для наблюдателя" in dashboard and "Ситуации" in dashboard
    assert "Вы квалифицированы" not in dashboard
    for module in db.session.scalars(select(Module).order_by(Module.position)):
        _read_module(client, module)
        attempt = _pass_quiz(client, db, module.quiz_slug)
        assert attempt.passed and attempt.score == 100
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Вы квалифицированы с" in dashboard
    assert "Прочитано 3 из 3 разделов" in dashboard

    client.post("/logout", data={"csrf_token": csrf_from(client.get("/dashboard"))})
    login_as(coordinator)
    page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Абенова Айгерим" in page
    assert "1 из 1</strong> квалифицированы" in page
    assert "1 из 1</strong> участков покрыты" in page

"""Seminars in real Chromium: a trainer marks attendance on a phone while a consultant checks in with the
code, and the sign-in sheet prints one A4 page per 25 names."""

import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from school.extensions import db as _db
from school.models import Booking, Module, SeminarSession, User
from school.models._types import utcnow
from school.services.attendance import code_at

from ..conftest import Factory
from .flows import login, logout
from .test_accessibility import BLOCKING, describe, run_axe
from .test_print import _pages

pytestmark = pytest.mark.browser


def _session(live_server, live_data, extra: int, starts_in=timedelta(minutes=-10)) -> int:
    """A session of the first module with the live consultant's seat and `extra` more seats."""
    with live_server.app.app_context():
        make = Factory(_db.session)
        trainer = make.user("trainer", login="trainer", name="Тренерова Гульнара")
        people = [_db.session.scalar(select(User).filter_by(login=live_data.consultant))]
        people += [make.user("consultant", name=f"Участник {n:02d}") for n in range(extra)]
        starts = utcnow() + starts_in
        s = SeminarSession(module_id=_db.session.scalar(select(Module.id).filter_by(slug=live_data.modules[0].slug)),
                           starts_at=starts, ends_at=starts + timedelta(hours=2), place="ул. Абая, 10",
                           room="зал 3", trainer_id=trainer.id, capacity=len(people), booked=len(people),
                           code_secret=secrets.token_hex(8))
        _db.session.add(s)
        _db.session.flush()
        _db.session.add_all([Booking(session_id=s.id, user_id=p.id, module_id=s.module_id, status="booked")
                             for p in people])
        _db.session.commit()
        seminar_id = s.id
        _db.session.remove()
    return seminar_id


def test_a_trainer_marks_attendance_on_a_phone_and_sees_a_self_check_in(live_server, live_data, open_page, shot):
    seminar_id = _session(live_server, live_data, extra=1)
    trainer = open_page("phone")
    page = trainer.page
    login(page, "trainer", live_data.password, r"/trainer$")
    page.get_by_role("link", name=re.compile(r"\d\d\.\d\d\.\d{4}")).click()
    expect(page).to_have_url(re.compile(f"/trainer/sessions/{seminar_id}$"))
    expect(page.locator("[data-code]")).to_have_text(re.compile(r"^\d{4}$"))
    other = page.locator("li.att", has_text="Участник 00")
    other.get_by_role("button", name="Участник 00: опоздал(а)").click()
    expect(page.locator("li.att", has_text="Участник 00").locator("[data-label]")).to_have_text("опоздал(а)")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "seminar-marking", "phone")

    consultant = open_page("phone")
    login(consultant.page, live_data.consultant, live_data.password, "/dashboard")
    consultant.page.get_by_role("link", name="отметьтесь кодом с экрана тренера").click()
    with live_server.app.app_context():
        code = code_at(_db.session.get(SeminarSession, seminar_id), utcnow())
        _db.session.remove()
    consultant.page.get_by_label("Код с экрана тренера").fill(code)
    consultant.page.get_by_role("button", name="Отметиться").click()
    expect(consultant.page.get_by_text("Вы отмечены на семинаре.")).to_be_visible()
    shot(consultant.page, "seminar-check-in", "phone")

    mine = page.locator("li.att", has_text=live_data.consultant_name)
    expect(mine.locator("[data-source]")).to_contain_text("сам(а), по коду", timeout=12_000)  # appears by itself
    mine.get_by_role("button", name=f"{live_data.consultant_name}: снять отметку").click()
    expect(page.locator("li.att", has_text=live_data.consultant_name).locator("[data-label]")).to_have_text(
        "не отмечен(а)")
    assert trainer.problems == [] and consultant.problems == []


@pytest.mark.parametrize("names,pages", [(25, 1), (26, 2), (50, 2)])
def test_the_sign_in_sheet_prints_one_a4_page_per_25_names(live_server, live_data, open_page, names, pages):
    seminar_id = _session(live_server, live_data, extra=names - 1, starts_in=timedelta(days=1))
    watched = open_page("desktop")
    login(watched.page, "trainer", live_data.password, r"/trainer$")
    watched.page.goto(f"/trainer/sessions/{seminar_id}/sheet")
    expect(watched.page.get_by_role("heading", name=re.compile("Лист регистрации")).first).to_be_visible()
    watched.page.emulate_media(media="print")
    assert _pages(watched.page.pdf(format="A4")) == pages
    assert watched.problems == []


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_seminar_pages_have_no_serious_axe_violations(device, live_server, live_data, open_page, axe_path, shot):
    seminar_id = _session(live_server, live_data, extra=2)
    with live_server.app.app_context():  # a coming session too, so the sign-up forms show
        s = _db.session.get(SeminarSession, seminar_id)
        _db.session.add(SeminarSession(module_id=_db.session.scalar(
            select(Module.id).filter_by(slug=live_data.modules[1].slug)), starts_at=s.starts_at + timedelta(days=3),
            ends_at=s.ends_at + timedelta(days=3), place=s.place, room="зал 1", trainer_id=s.trainer_id, capacity=5,
            code_secret="k"))
        _db.session.commit()
        _db.session.remove()
    page = open_page(device, bypass_csp=True).page
    report = {}
    for who, landing, urls in (
            (live_data.consultant, "/dashboard", ["/seminars"]),
            (live_data.coordinator, "/teams/", [f"/teams/{live_data.team_id}/seminars"]),
            ("trainer", "/trainer", ["/trainer", f"/trainer/sessions/{seminar_id}",
                                     f"/trainer/sessions/{seminar_id}/enter"]),
            (live_data.admin, "/admin/", ["/admin/seminars", "/admin/seminars/rules", "/admin/seminars/new"])):
        login(page, who, live_data.password, landing)
        for url in urls:
            page.goto(url)
            report[url] = [v for v in run_axe(page, axe_path) if v["impact"] in BLOCKING]
            shot(page, "seminars-" + re.sub(r"\d+|[^a-z]+", "-", url).strip("-").replace("--", "-"), device)
        logout(page)
    assert not any(report.values()), describe(report)

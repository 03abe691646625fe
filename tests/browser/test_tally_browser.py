"""The tally in headless Chromium: a consultant photographs a protocol copy and enters it on a phone (a failing
relation said in words while typing, saved only with a comment), the coordinator's blind second entry and a
conflict settled next to the photo on a desktop, the center's tally, and axe on every tally page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from school.extensions import db as _db
from school.models import Contest, PollingStation, ProtocolCopy, User
from school.services import example_election, voting_day

from ..tally_helpers import CLEAN, figures, protocol_jpeg, seed
from .flows import login, logout
from .test_accessibility import BLOCKING, describe, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def election(live_server, live_data, tmp_path):
    app = live_server.app
    app.config["PROTOCOL_PHOTO_DIR"] = str(tmp_path / "protocols")
    with app.app_context():
        created = example_election.create(_db.session, None, voting_day.today())
        _db.session.commit()
        station = _db.session.scalar(select(PollingStation).filter_by(number=101))
        ids = {"station": station.id, "contest": created.contests[0].id}
        _db.session.remove()
    photo = tmp_path / "page.jpg"
    photo.write_bytes(protocol_jpeg())
    return {**ids, "photo": str(photo)}


def fill(page, values: dict) -> None:
    for code, value in values.items():
        page.locator(f"#line-{code}").fill("" if value is None else str(value))


def copy_state(live_server, ids) -> str:
    with live_server.app.app_context():
        row = _db.session.scalar(select(ProtocolCopy).filter_by(station_id=ids["station"],
                                                                 contest_id=ids["contest"]))
        state = row.state if row else "none"
        _db.session.remove()
    return state


def test_consultant_enters_a_copy_on_a_phone_then_the_desk_settles(open_page, live_server, live_data, election,
                                                                 shot):
    page = open_page("phone").page
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Протоколы").click()
    expect(page).to_have_url(re.compile(r"/tally$"))
    page.locator("td[data-label^='Депутаты Мажилиса'] a").click()
    page.locator("#photos").set_input_files([election["photo"], election["photo"]])
    page.get_by_role("button", name="Добавить фото").click()
    expect(page.locator(".flash")).to_contain_text("Фото добавлено: 2")
    page.get_by_role("link", name="Ввести цифры с копии").click()
    fill(page, figures(party_a=612))
    result = page.locator("[data-check-result]")
    expect(result).to_contain_text("не равны числу бюллетеней из урн")  # said while typing, before saving
    shot(page, "tally-entry-check", "phone")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("button", name="Сохранить с комментарием")).to_be_visible()
    assert copy_state(live_server, election) == "none"
    page.locator("#comment").fill("В копии так: сумма голосов на 10 больше")
    page.get_by_role("button", name="Сохранить с комментарием").click()
    expect(page.locator(".flash")).to_contain_text("Цифры сохранены")
    assert copy_state(live_server, election) == "first"
    logout(page)

    desk = open_page("desktop").page
    login(desk, live_data.coordinator, live_data.password, rf"/teams/{live_data.team_id}$")
    desk.goto(f"/tally/stations/{election['station']}/contests/{election['contest']}")
    expect(desk.locator("table.figures")).to_contain_text("скрыто до второго ввода")
    desk.get_by_role("link", name="Второй ввод (не глядя на первый)").click()
    fill(desk, CLEAN)  # reads 602 where the consultant typed 612
    desk.get_by_role("button", name="Сохранить").click()
    expect(desk.locator(".flash")).to_contain_text("Цифры сохранены")
    conflict = desk.locator("form.conflict-form")
    expect(conflict).to_contain_text("первый ввод 612, второй 602")
    conflict.get_by_label("По фото").fill("612")
    conflict.get_by_label("Почему").fill("На фото 612: ошибка в самой копии")
    conflict.get_by_role("button", name="Разрешить").click()
    expect(desk.locator(".status-line")).to_contain_text("сверен")
    expect(desk.locator(".relations")).to_contain_text("нарушено")
    expect(desk.locator(".protocol-photos img").first).to_be_visible()
    shot(desk, "tally-protocol", "desktop")
    assert copy_state(live_server, election) == "reconciled"


def test_tally_pages_have_no_serious_axe_violations(open_page, live_server, live_data, election, axe_path):
    with live_server.app.app_context():
        contest = _db.session.get(Contest, election["contest"])
        station = _db.session.get(PollingStation, election["station"])
        users = {u.login: u for u in _db.session.scalars(select(User))}
        seed(_db, station, contest, figures(party_a=612), users[live_data.admin], users[live_data.coordinator],
             second=CLEAN, photo_dir=live_server.app.config["PROTOCOL_PHOTO_DIR"])
        _db.session.remove()
    found = {}
    for device in ("phone", "desktop"):
        page = open_page(device, bypass_csp=True).page
        login(page, live_data.coordinator, live_data.password, rf"/teams/{live_data.team_id}$")
        base = f"/tally/stations/{election['station']}/contests/{election['contest']}"
        for name, url in [("tally-list", "/tally"), ("tally-protocol", base),
                          ("tally-card", f"/tally/stations/{election['station']}/card")]:
            page.goto(url)
            found[f"{name}-{device}"] = run_axe(page, axe_path)
        logout(page)
        login(page, live_data.admin, live_data.password, r"/admin/$")
        for name, url in [("tally-center", "/tally/center"), ("tally-official", "/tally/official"),
                          ("tally-elections", "/tally/elections"), ("tally-entry", base + "/enter/1"),
                          ("tally-setup", f"/tally/contests/{election['contest']}/setup")]:
            page.goto(url)
            found[f"{name}-{device}"] = run_axe(page, axe_path)
    blocking = {name: [v for v in vs if v["impact"] in BLOCKING] for name, vs in found.items()}
    assert not any(blocking.values()), describe(blocking)

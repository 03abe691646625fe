"""The whole path in headless Chromium: a consultant studies on a phone and qualifies, the
coordinator sees it; the same pages on a desktop. Screenshots go to tests/artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from .flows import answer_all, login, logout, read_section, submit_and_expect_pass

pytestmark = pytest.mark.browser

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  return {scrollWidth: document.documentElement.scrollWidth, width, wide};
}"""


def assert_fits_width(page: Page, name: str) -> None:
    """Nothing scrolls sideways on a phone."""
    box = page.evaluate(OVERFLOW_JS)
    assert box["scrollWidth"] <= box["width"], f"{name}: page is wider than the screen: {box}"


def module_card(page: Page, title: str):
    return page.locator("article.module-card").filter(has=page.get_by_role("heading", name=title, exact=True))


def test_consultant_qualifies_on_a_phone_and_coordinator_sees_it(open_page, live_server, live_data, shot):
    watched = open_page("phone")
    page = watched.page
    law, situations = live_data.modules

    def snap(name):
        assert_fits_width(page, name)
        shot(page, name, "phone")

    page.goto("/login")
    snap("login")
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Здравствуйте, {live_data.consultant_name}")
    expect(page.locator("p.banner")).not_to_contain_text("Вы квалифицированы")
    expect(module_card(page, law.title)).to_contain_text(f"Прочитано 0 из {len(law.sections)} разделов")
    snap("dashboard")

    # Module 1: start at the first section, read one, leave.
    module_card(page, law.title).get_by_role("link", name="Начать", exact=True).click()
    expect(page).to_have_url(re.compile(f"/modules/{law.slug}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(law.title)
    snap("module")
    page.get_by_role("link", name=f"Начать: {law.sections[0].title}").click()
    # The sample section carries <script> and a javascript: link: sanitised, so nothing runs (see Watched).
    expect(page.locator("main a[href^='javascript:' i], main [onclick], main script")).to_have_count(0)
    snap("section")
    read_section(page, law, 0)
    expect(page.get_by_role("heading", level=1)).to_have_text(law.sections[1].title)
    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Обучение").click()

    # Come back: the dashboard and the module page both resume at section 2, which was opened but not read.
    card = module_card(page, law.title)
    expect(card).to_contain_text(f"Прочитано 1 из {len(law.sections)} разделов")
    card.get_by_role("link", name="Продолжить", exact=True).click()
    expect(page).to_have_url(re.compile(f"/modules/{law.slug}$"))
    resume = page.get_by_role("link", name=f"Продолжить: {law.sections[1].title}")
    expect(resume).to_have_attribute("href", f"/modules/{law.slug}/{law.sections[1].slug}")
    toc = page.locator("ol.toc > li")
    expect(toc.nth(0)).to_contain_text("прочитано")
    expect(toc.nth(1)).not_to_contain_text("прочитано")
    resume.click()
    for index in range(1, len(law.sections)):
        read_section(page, law, index)
    expect(toc).to_have_count(len(law.sections))
    for index in range(len(law.sections)):
        expect(toc.nth(index)).to_contain_text("прочитано")

    # Quiz 1.
    page.get_by_role("link", name="Итоговый тест модуля").click()
    expect(page).to_have_url(re.compile(f"/quizzes/{law.quiz_slug}$"))
    snap("quiz-overview")
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    snapshots = answer_all(page, live_server, attempt_id)
    snap("quiz")
    submit_and_expect_pass(page, snapshots)
    snap("result")

    # Module 2, its sections and quiz.
    page.get_by_role("link", name="К обучению").click()
    expect(page.locator("p.banner")).not_to_contain_text("Вы квалифицированы")
    module_card(page, situations.title).get_by_role("link", name="Начать", exact=True).click()
    page.get_by_role("link", name=f"Начать: {situations.sections[0].title}").click()
    for index in range(len(situations.sections)):
        read_section(page, situations, index)
    page.get_by_role("link", name="Итоговый тест модуля").click()
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    submit_and_expect_pass(page, answer_all(page, live_server, int(page.url.rsplit("/", 1)[1])))

    # Qualified.
    page.get_by_role("link", name="К обучению").click()
    expect(page.locator("p.banner.ok")).to_contain_text("Вы квалифицированы с")
    for module in (law, situations):
        expect(module_card(page, module.title)).to_contain_text(
            f"Прочитано {len(module.sections)} из {len(module.sections)} разделов")
        expect(module_card(page, module.title)).to_contain_text("сдан (лучший результат 100%)")
    snap("dashboard-qualified")

    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Памятки").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Памятки наблюдателю")
    snap("memos")
    page.locator("main ul.list").get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Печать")).to_be_visible()
    snap("memo")

    # The coordinator sees the consultant qualified.
    logout(page)
    login(page, live_data.coordinator, live_data.password, rf"/teams/{live_data.team_id}$")
    expect(page.get_by_role("heading", level=1)).to_contain_text(live_data.team_name)
    totals = page.locator(".totals")
    expect(totals).to_contain_text("1 из 1 квалифицированы")
    expect(totals).to_contain_text("1 из 1 участков покрыты")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=live_data.consultant_name))
    expect(row).to_contain_text("да, с")
    snap("readiness")

    assert watched.problems == []


def test_desktop_screenshots(open_page, live_server, live_data, shot):
    watched = open_page("desktop")
    page = watched.page
    law = live_data.modules[0]

    page.goto("/login")
    shot(page, "login", "desktop")
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    expect(page.locator("article.module-card")).to_have_count(len(live_data.modules))
    shot(page, "dashboard", "desktop")

    page.goto(f"/modules/{law.slug}/{law.sections[0].slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(law.sections[0].title)
    shot(page, "section", "desktop")

    page.goto(f"/quizzes/{law.quiz_slug}")
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    snapshots = answer_all(page, live_server, int(page.url.rsplit("/", 1)[1]))
    shot(page, "quiz", "desktop")
    submit_and_expect_pass(page, snapshots)
    shot(page, "result", "desktop")

    page.get_by_role("navigation", name="Основное меню").get_by_role("link", name="Памятки").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Памятки наблюдателю")
    shot(page, "memos", "desktop")

    logout(page)
    login(page, live_data.coordinator, live_data.password, rf"/teams/{live_data.team_id}$")
    expect(page.locator(".totals")).to_contain_text("0 из 1 квалифицированы")
    shot(page, "readiness", "desktop")

    assert watched.problems == []

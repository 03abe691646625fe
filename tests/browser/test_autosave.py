"""Quiz answers autosave one question at a time from the page's JS, survive closing the tab,
never come from an older tab, and the sticky bar keeps time, progress and save status in view."""

import re
import time

import pytest
from playwright.sync_api import expect

from .flows import answer, login

pytestmark = pytest.mark.browser
SAVED = re.compile(r"^Сохранено в \d{1,2}:\d{2}:\d{2}$")


def _start(page, live_data):
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto(f"/quizzes/{live_data.modules[0].quiz_slug}")
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _wait_for(predicate, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_answer_autosaves_and_survives_reload(open_page, live_server, live_data):
    watched = open_page("phone")
    page = watched.page
    attempt_id = _start(page, live_data)
    pos, snapshot = next((p, s) for p, s in live_server.snapshots(attempt_id) if s["type"] == "single")
    choice = next(c for c in snapshot["choices"] if c["id"] not in snapshot["correct"])  # any choice will do

    status = page.locator(".autosave-status")
    expect(status).to_have_text("Ответы сохраняются автоматически.")
    page.locator(f"fieldset#q{pos}").get_by_label(choice["text"], exact=True).check()
    expect(status).to_have_text(SAVED)
    assert live_server.answers(attempt_id)[pos] == [choice["id"]]
    page.reload()
    expect(page.locator(f"fieldset#q{pos}").get_by_label(choice["text"], exact=True)).to_be_checked()
    assert watched.problems == []


def test_each_answer_saves_on_its_own_and_a_bad_one_is_flagged_beside_it(open_page, live_server, live_data, shot):
    watched = open_page("phone")
    page = watched.page
    attempt_id = _start(page, live_data)
    snapshots = live_server.snapshots(attempt_id)
    numeric = next(p for p, s in snapshots if s["type"] == "numeric")
    for pos, snapshot in snapshots:
        if pos == numeric:
            page.locator(f"fieldset#q{pos}").get_by_label("Ответ (число)").fill("10 дней")
        else:
            answer(page, pos, snapshot)
    box = page.locator(f"fieldset#q{numeric}")
    expect(box.get_by_role("alert")).to_have_text("укажите число, например 12")
    expect(box).to_have_class(re.compile("has-error"))
    expect(page.locator("[data-answered]")).to_have_text(str(len(snapshots) - 1))
    shot(page, "quiz-field-error", "phone")
    page.close()  # the tab is closed: nothing valid may be lost

    assert _wait_for(lambda: sum(a is not None for a in live_server.answers(attempt_id).values()) == len(snapshots) - 1)
    again = open_page("phone").page
    login(again, live_data.consultant, live_data.password, r"/dashboard$")
    again.goto(f"/attempts/{attempt_id}")
    expect(again.locator("[data-answered]")).to_have_text(str(len(snapshots) - 1))
    box = again.locator(f"fieldset#q{numeric}")
    box.get_by_label("Ответ (число)").fill("12")
    box.get_by_label("Ответ (число)").blur()
    expect(again.locator(".autosave-status")).to_have_text(SAVED)
    expect(box.get_by_role("alert")).to_be_hidden()
    expect(again.locator("[data-answered]")).to_have_text(str(len(snapshots)))
    assert watched.problems == []


def test_an_older_tab_stops_saving_and_cannot_revert_a_newer_one(open_page, live_server, live_data):
    old = open_page("desktop").page
    attempt_id = _start(old, live_data)
    pos, snapshot = next((p, s) for p, s in live_server.snapshots(attempt_id) if s["type"] == "single")
    first, second = (c for c in snapshot["choices"][:2])
    old.locator(f"fieldset#q{pos}").get_by_label(first["text"], exact=True).check()
    expect(old.locator(".autosave-status")).to_have_text(SAVED)

    new = old.context.new_page()  # the same consultant opens the attempt again in another tab
    new.goto(f"/attempts/{attempt_id}")
    new.locator(f"fieldset#q{pos}").get_by_label(second["text"], exact=True).check()
    expect(new.locator(".autosave-status")).to_have_text(SAVED)

    other_pos, other = next((p, s) for p, s in live_server.snapshots(attempt_id)
                            if p != pos and s["type"] in ("single", "truefalse", "multiple"))
    old.locator(f"fieldset#q{other_pos}").get_by_label(other["choices"][0]["text"], exact=True).check()
    expect(old.locator(".autosave-status")).to_have_text(re.compile("Тест открыт в другой вкладке"))
    # The old tab changes its answer and is closed at once: its pagehide beacon must not revert the new one.
    old.locator(f"fieldset#q{pos}").get_by_label(snapshot["choices"][2]["text"], exact=True).check()
    old.close()
    time.sleep(0.5)
    answers = live_server.answers(attempt_id)
    assert answers[pos] == [second["id"]] and answers[other_pos] is None


def test_sticky_bar_keeps_progress_in_view_on_a_phone(open_page, live_server, live_data, shot):
    page = open_page("phone").page
    attempt_id = _start(page, live_data)
    snapshots = live_server.snapshots(attempt_id)
    bar = page.get_by_role("region", name="Ход теста")
    expect(bar).to_contain_text(f"отвечено 0 из {len(snapshots)}")
    last_pos, last = snapshots[-1]
    answer(page, last_pos, last)  # at the bottom of the page
    expect(bar).to_contain_text(f"отвечено 1 из {len(snapshots)}")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("window.scrollY > 300")
    shot(page, "quiz-take", "phone")
    box = bar.bounding_box()
    assert box is not None and 0 <= box["y"] <= 1 and box["height"] < 120, (box, page.evaluate("window.scrollY"))

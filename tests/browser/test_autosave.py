"""Quiz answers autosave from the page's JS and survive a reload."""

import re

import pytest
from playwright.sync_api import expect

from .flows import login

pytestmark = pytest.mark.browser


def test_answer_autosaves_and_survives_reload(open_page, live_server, live_data):
    watched = open_page("phone")
    page = watched.page
    law = live_data.modules[0]
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto(f"/quizzes/{law.quiz_slug}")
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    attempt_id = int(page.url.rsplit("/", 1)[1])
    pos, snapshot = next((p, s) for p, s in live_server.snapshots(attempt_id) if s["type"] == "single")
    choice = next(c for c in snapshot["choices"] if c["id"] not in snapshot["correct"])  # any choice will do

    status = page.locator(".autosave-status")
    expect(status).to_have_text("Ответы сохраняются автоматически.")
    radio = page.locator(f"fieldset#q{pos}").get_by_label(choice["text"], exact=True)
    radio.check()
    expect(status).to_have_text(re.compile(r"^Сохранено в \d{1,2}:\d{2}:\d{2}$"))
    assert live_server.answers(attempt_id)[pos] == [choice["id"]]

    # A numeric answer saves too (the status text may not change within the same second: wait for the reply).
    numeric = next(((p, s) for p, s in live_server.snapshots(attempt_id) if s["type"] == "numeric"), None)
    if numeric:
        with page.expect_response(lambda r: r.url.endswith(f"/attempts/{attempt_id}/save")
                                  and r.request.method == "POST") as reply:
            page.locator(f"fieldset#q{numeric[0]}").get_by_label("Ответ (число)").fill("7")
            page.locator(f"fieldset#q{numeric[0]}").get_by_label("Ответ (число)").blur()
        assert reply.value.ok and reply.value.json()["saved"] == 2

    page.reload()
    expect(page.locator(f"fieldset#q{pos}").get_by_label(choice["text"], exact=True)).to_be_checked()
    expect(page.locator(".autosave-status")).to_have_text("Ответы сохраняются автоматически.")
    if numeric:
        expect(page.locator(f"fieldset#q{numeric[0]}").get_by_label("Ответ (число)")).to_have_value("7")
    assert watched.problems == []

"""axe-core on every main page, on a phone and on a desktop: no serious or critical violations."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS
from .flows import answer, answer_all, login, logout

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
# target-size (WCAG 2.2 AA, 24px) is off by default in axe; this app is used on phones, so check it.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}}


def run_axe(page, axe_path) -> list[dict]:
    page.add_script_tag(path=axe_path)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return result["violations"]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        for v in violations:
            lines.append(f"[{name}] {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_main_pages_have_no_serious_axe_violations(device, open_page, live_server, live_data, axe_path):
    # The app's CSP (script-src 'self') blocks the inline <script> that add_script_tag injects;
    # bypassing CSP is acceptable here because only the test's own axe-core script needs it.
    page = open_page(device, bypass_csp=True).page
    law = live_data.modules[0]
    report: dict[str, list[dict]] = {}

    def check(name):
        report[name] = run_axe(page, axe_path)

    page.goto("/login")
    check("login")
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    check("dashboard")
    page.goto(f"/modules/{law.slug}")
    check("module")
    page.goto(f"/modules/{law.slug}/{law.sections[0].slug}")
    check("section")
    page.goto(f"/quizzes/{law.quiz_slug}")
    check("quiz-overview")
    page.get_by_role("button", name="Начать тест").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    snapshots = answer_all(page, live_server, int(page.url.rsplit("/", 1)[1]))
    check("quiz-take")
    page.get_by_role("button", name="Завершить и отправить").click()
    expect(page.locator("p.banner")).to_contain_text("тест сдан")
    assert snapshots
    check("quiz-result")
    page.goto("/memos")
    check("memos")
    page.locator("main ul.list").get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Печать")).to_be_visible()
    check("memo")
    logout(page)
    login(page, live_data.coordinator, live_data.password, rf"/teams/{live_data.team_id}$")
    check("readiness")
    page.goto(f"/teams/{live_data.team_id}/coverage")
    check("coverage")
    page.goto(f"/teams/{live_data.team_id}/print")
    check("print-sheet")
    page.goto(f"/teams/{live_data.team_id}")
    page.get_by_role("link", name=live_data.consultant_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(live_data.consultant_name)
    check("consultant")
    logout(page)
    login(page, live_data.admin, live_data.password, r"/admin/$")
    check("admin-index")
    for name, url in (("admin-users", "/admin/users"), ("admin-user-new", "/admin/users/new"),
                      ("admin-import", "/admin/import"), ("admin-content", "/admin/content"),
                      ("admin-no-password", "/admin/people-without-password"), ("admin-audit", "/admin/audit"),
                      ("admin-attempt-requests", "/admin/attempt-requests"), ("admin-contacts", "/admin/contacts"),
                      ("admin-contact-new", "/admin/contacts/new"), ("admin-quiz-stats", "/admin/quizzes/law/stats"),
                      ("admin-law", "/admin/law"), ("admin-articles", "/admin/articles")):
        page.goto(url)
        check(name)
    page.goto("/admin/content")
    page.get_by_role("link", name="история").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("История")
    check("admin-history")
    logout(page)
    page.goto("/verify/unknown-code")
    check("verify")

    (ARTIFACTS / "axe").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe" / f"{device}.json").write_text(
        json.dumps({name: [{k: v[k] for k in ("id", "impact", "help", "helpUrl", "nodes")} for v in found]
                    for name, found in report.items()}, ensure_ascii=False, indent=1), encoding="utf-8")
    blocking = {name: [v for v in found if v["impact"] in BLOCKING] for name, found in report.items()}
    blocking = {name: found for name, found in blocking.items() if found}
    assert not blocking, f"axe ({device}) found serious/critical violations:\n{describe(blocking)}"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_quiz_confirmation_failed_result_and_conflict_pages(device, open_page, live_server, live_data, axe_path,
                                                            shot):
    page = open_page(device, bypass_csp=True).page
    law = live_data.modules[0]
    report: dict[str, list[dict]] = {}
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto(f"/quizzes/{law.quiz_slug}")
    page.get_by_role("button", name="Начать тест").click()
    attempt_id = int(page.url.rsplit("/", 1)[1])
    pos, snapshot = live_server.snapshots(attempt_id)[0]
    answer(page, pos, snapshot, right=False)
    page.get_by_role("button", name="Завершить и отправить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Завершить тест?")
    report["quiz-confirm"] = run_axe(page, axe_path)
    shot(page, "quiz-confirm", device)
    page.get_by_role("button", name="Завершить без этих ответов").click()
    expect(page.locator("p.banner")).to_contain_text("тест не сдан")
    expect(page.locator("table.topics")).to_be_visible()
    report["quiz-result-failed"] = run_axe(page, axe_path)
    shot(page, "quiz-result-failed", device)
    page.goto(f"/quizzes/{law.quiz_slug}")
    page.get_by_role("button", name="Начать новую попытку").click()
    newer = page.context.new_page()
    newer.goto(page.url)
    page.get_by_role("button", name="Завершить и отправить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Тест открыт в другой вкладке")
    report["quiz-conflict"] = run_axe(page, axe_path)
    blocking = {name: [v for v in found if v["impact"] in BLOCKING] for name, found in report.items()}
    blocking = {name: found for name, found in blocking.items() if found}
    assert not blocking, describe(blocking)

"""What a user does in the browser: log in, read a module, answer a quiz. Used by the browser tests."""

import re

from playwright.sync_api import Page, expect

from .conftest import LiveServer, ModuleInfo


def login(page: Page, login_name: str, password: str, landing: str) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", level=1, name="Вход")).to_be_visible()
    page.get_by_label("Логин").fill(login_name)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(re.compile(landing))


def logout(page: Page) -> None:
    page.get_by_role("navigation", name="Основное меню").get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def read_section(page: Page, module: ModuleInfo, index: int) -> None:
    """On a section page: check it is the expected one, then press the "read" button."""
    section = module.sections[index]
    expect(page).to_have_url(re.compile(f"/modules/{module.slug}/{section.slug}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(section.title)
    crumbs = page.get_by_role("navigation", name="Путь")
    expect(crumbs).to_contain_text(f"раздел {index + 1} из {len(module.sections)}")
    last = index + 1 == len(module.sections)
    page.get_by_role("button", name="Прочитано, к модулю" if last else "Прочитано, далее →").click()
    if last:
        expect(page).to_have_url(re.compile(f"/modules/{module.slug}$"))


def take_quiz_from_module(page: Page, module: ModuleInfo) -> int:
    """From the module page: open the quiz overview, start an attempt; returns its id."""
    page.get_by_role("link", name="Итоговый тест модуля").click()
    expect(page).to_have_url(re.compile(f"/quizzes/{module.quiz_slug}$"))
    page.get_by_role("button", name=re.compile(r"^Начать")).click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    expect(page.get_by_role("button", name="Завершить и отправить")).to_be_visible()
    return int(re.search(r"/attempts/(\d+)$", page.url).group(1))


def assert_key_hidden(page: Page, snapshots) -> None:
    """While the attempt is open the page holds neither the key nor the explanations."""
    html = page.content()
    assert "correct" not in html.lower()
    for _, s in snapshots:
        assert s["explanation"] not in html, s["explanation"]


def answer(page: Page, pos: int, snapshot: dict, right=True) -> None:
    """Answer question `pos` as a person would, from the server-side snapshot."""
    box = page.locator(f"fieldset#q{pos}")
    expect(box.locator("legend")).to_contain_text(snapshot["text"])
    kind = snapshot["type"]
    labels = {c["id"]: c["text"] for c in snapshot["choices"]}
    if kind == "numeric":
        box.get_by_label("Ответ (число)").fill(f"{snapshot['correct'] + (0 if right else 100):g}")
    elif kind == "order":
        order = snapshot["correct"] if right else list(reversed(snapshot["correct"]))
        for place, cid in enumerate(order, start=1):
            box.get_by_label(labels[cid], exact=True).select_option(str(place))
    elif kind == "match":
        prompts = {p["id"]: p["text"] for p in snapshot["prompts"]}
        for left, right_id in snapshot["correct"].items():
            box.get_by_label(prompts[left], exact=True).select_option(label=labels[right_id])
    else:  # single, truefalse, multiple: radios or checkboxes by their visible label
        chosen = snapshot["correct"] if right else [c for c in labels if c not in snapshot["correct"]][:1]
        for cid in chosen:
            box.get_by_label(labels[cid], exact=True).check()


def answer_all(page: Page, live_server: LiveServer, attempt_id: int) -> list:
    snapshots = live_server.snapshots(attempt_id)
    assert_key_hidden(page, snapshots)
    for pos, snapshot in snapshots:
        answer(page, pos, snapshot)
    return snapshots


def submit_and_expect_pass(page: Page, snapshots) -> None:
    page.get_by_role("button", name="Завершить и отправить").click()
    banner = page.locator("p.banner")
    expect(banner).to_contain_text("тест сдан")
    expect(banner).not_to_contain_text("не сдан")
    expect(banner).to_contain_text("100%")
    # After submission the review shows the explanations the take page kept back.
    expect(page.locator("ol.review .explanation").first).to_contain_text(snapshots[0][1]["explanation"])

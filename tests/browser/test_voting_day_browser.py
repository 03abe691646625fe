"""Voting day in headless Chromium: the offline queue across a real server stop and start (the browser's
offline switch does not stop service-worker fetches, so the server itself goes away), the service worker
serving the playbook with the server down, the desk refreshing itself in a second browser, and axe."""

import re
import socket
import threading
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from school.extensions import db as _db
from school.models import Incident, PollingStation, User
from school.services import incidents, voting_day

from .conftest import PHONE
from .flows import login
from .test_accessibility import BLOCKING, describe, run_axe

pytestmark = pytest.mark.browser


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: no keep-alive connection outlives a stop, so a stopped server is really unreachable."""

    protocol_version = "HTTP/1.0"


class RestartableServer:
    """The live app on a fixed port that a test can stop and start again (same origin for the service worker)."""

    def __init__(self, app):
        self.app = app
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True,
                                  request_handler=OneRequestPerConnection)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        self.server = None


@pytest.fixture
def server(live_server, live_data):
    srv = RestartableServer(live_server.app)
    srv.start()
    yield srv
    if srv.server:
        srv.stop()


@pytest.fixture
def phone(chromium_browser, server):
    contexts = []

    def _open():
        context = chromium_browser.new_context(base_url=server.url, locale="ru-RU", timezone_id="Asia/Almaty", **PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def day(live_server, live_data):
    with live_server.app.app_context():
        row = voting_day.create_day(_db.session, None, voting_day.today(), "Выборы")
        _db.session.commit()
        yield row.id
        _db.session.remove()


def count_incidents(app) -> int:
    with app.app_context():
        try:
            return _db.session.scalar(select(func.count()).select_from(Incident))
        finally:
            _db.session.remove()


def check_in(page, live_data):
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto("/day")
    page.get_by_label("Организация").first.fill("Партия «Пример»")
    page.get_by_label("Сколько").first.fill("2")
    page.get_by_role("button", name="Я на участке").click()
    expect(page.locator("[data-device-status]")).to_contain_text("Этот телефон отправляет сообщения")


def wait_for_offline_copies(page, paths):
    """Until the service worker has kept these pages (it is asked to on every logged-in page)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        kept = page.evaluate("""async () => {
            const cache = await caches.open("school-offline-v1");
            return (await cache.keys()).map(r => new URL(r.url).pathname);
        }""")
        if set(paths) <= set(kept):
            return
        time.sleep(0.2)
    raise AssertionError(f"not kept: {set(paths) - set(kept)}")


def test_offline_queue_survives_a_server_stop_and_sends_once(phone, server, live_data, day, shot):
    page = phone()
    check_in(page, live_data)
    page.goto("/report?kind=02-case")
    expect(page.get_by_label("Участок")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_role("region", name="Что делать: Ситуация 2")).to_be_visible()  # steps at once
    expect(page.get_by_label(re.compile("Срочно"))).to_be_checked()  # the kind's default
    server.stop()
    page.get_by_label("Коротко: что, где, кто, сколько").fill("В 09:10 охрана не пускает наблюдателя")
    page.get_by_role("button", name="Отправить").click()
    expect(page.locator("[data-report-status]")).to_contain_text("Нет связи")
    expect(page.locator("[data-queue-list] li")).to_have_count(1)
    expect(page.locator("[data-queue-list] li")).to_contain_text("ждёт отправки")
    shot(page, "report-queued", "phone")
    time.sleep(5)  # a retry or two against the stopped server
    assert count_incidents(server.app) == 0
    server.start()
    expect(page.locator("[data-report-status]")).to_contain_text("Отправлено", timeout=20_000)
    expect(page.locator("[data-queue-view]")).to_be_hidden()
    page.reload()
    time.sleep(1)
    assert count_incidents(server.app) == 1
    with server.app.app_context():
        row = _db.session.scalar(select(Incident))
        assert row.channel == "offline" and row.description.startswith("В 09:10") and row.urgent
        _db.session.remove()


def test_service_worker_serves_the_playbook_with_the_server_down(phone, server, live_data, day):
    page = phone()
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto("/playbook")
    wait_for_offline_copies(page, ["/playbook", "/playbook/02-case", "/memos/01-carry", "/report", "/offline"])
    server.stop()
    page.goto("/playbook/02-case")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ситуация 2")
    expect(page.locator("[data-offline-stamp]")).to_contain_text("Нет связи — сохранённая копия. Обновлено:")
    expect(page.get_by_role("button", name="Копировать")).to_be_visible()
    page.goto("/playbook?q=не пустили")  # the kept list, filtered on the phone
    expect(page.locator("[data-situation-list] li:visible")).to_have_count(1)
    expect(page.locator("[data-live-results]")).to_contain_text("Подходит ситуаций: 1")
    page.goto("/memos/01-carry")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Что взять с собой")
    page.goto("/day")  # personal: never kept
    expect(page.get_by_role("heading", level=1)).to_have_text("Нет связи с сервером")
    html = page.content()
    assert live_data.consultant_name not in html


def test_fill_in_a_template_and_copy_it(phone, server, live_data, day):
    page = phone()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, live_data.consultant, live_data.password, r"/dashboard$")
    page.goto("/playbook/02-case")
    page.get_by_label("ФИО").fill("Абенова Айгерим")
    page.get_by_label("устно / письменно").fill("устно")
    page.get_by_role("button", name="Копировать").click()
    expect(page.locator("[data-fill-status]")).to_have_text("Скопировано.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "Акт: участок № [ ], наблюдатель Абенова Айгерим, отказ устно."


def test_desk_refreshes_itself_in_a_second_browser(phone, server, live_server, live_data, day):
    app = live_server.app
    app.config["DESK_POLL_SECONDS"] = 1
    try:
        desk = phone()
        login(desk, live_data.coordinator, live_data.password, r"/teams?/?\d*$")
        desk.goto("/desk")
        expect(desk.locator("tbody[data-poll]")).to_contain_text("Сообщений нет")
        desk.evaluate("window.__sameDocument = true")
        with app.app_context():
            consultant = _db.session.scalar(select(User).filter_by(login=live_data.consultant))
            station = _db.session.scalar(select(PollingStation).filter_by(number=101))
            incidents.create(_db.session, voting_day.current_day(_db.session),
                             incidents.Report(station_id=station.id, kind="02-case", description="Вброс у окна"),
                             consultant_id=consultant.id, actor_id=consultant.id, channel="web",
                             photo_dir=app.config["INCIDENT_PHOTO_DIR"])
            _db.session.commit()
            _db.session.remove()
        expect(desk.locator("tbody[data-poll]")).to_contain_text("Вброс у окна", timeout=5_000)
        assert desk.evaluate("window.__sameDocument") is True  # no reload
        expect(desk.locator("[data-poll-stamp]")).to_contain_text("обновлено в")
    finally:
        app.config["DESK_POLL_SECONDS"] = 15


def test_voting_day_pages_have_no_serious_axe_violations(chromium_browser, server, live_data, day, axe_path):
    context = chromium_browser.new_context(base_url=server.url, locale="ru-RU", bypass_csp=True, **PHONE)
    page = context.new_page()
    found = {}
    try:
        check_in(page, live_data)
        for name, url in [("day", "/day"), ("report", "/report?kind=02-case"), ("playbook", "/playbook"),
                          ("situation", "/playbook/02-case"), ("templates", "/playbook/templates")]:
            page.goto(url)
            found[name] = run_axe(page, axe_path)
        page.goto("/report")
        page.get_by_role("button", name="Отправить").wait_for()
        login_page = context.new_page()
        login_page.context.clear_cookies()
        login(login_page, live_data.coordinator, live_data.password, r"/teams?/?\d*$")
        for name, url in [("desk", "/desk"), ("board", "/desk/stations"), ("desk-report", "/desk/report")]:
            login_page.goto(url)
            found[name] = run_axe(login_page, axe_path)
    finally:
        context.close()
    blocking = {name: [v for v in vs if v["impact"] in BLOCKING] for name, vs in found.items()}
    assert not any(blocking.values()), describe(blocking)

"""Fixtures for the browser tests: a live server, its data, headless Chromium, screenshots and axe-core.

Fixture names differ from tests/conftest.py (app, db, client...) and from pytest-playwright
(playwright, browser, context, page), so this suite runs alone or inside the whole suite.

The live server runs in a thread, so it cannot use the in-memory SQLite of TestConfig:
- with DATABASE_URL=postgresql..., it uses that database but in its own schema (search_path),
  created here and dropped at the end: the main suite's tables in the default schema are never
  touched, whichever fixture runs first;
- otherwise (unset, or a SQLite URL), a temporary SQLite file.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from config import BASE_DIR, TestConfig
from school import create_app
from school.extensions import db as _db
from school.extensions import limiter
from school.models import Attempt, Module
from school.services.content import load_content, read_content

from ..conftest import PASSWORD, Factory, wipe_rows

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = BASE_DIR / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


# ---------------------------------------------------------------- live server

@dataclass
class LiveServer:
    app: object
    url: str

    def snapshots(self, attempt_id: int) -> list[tuple[int, dict]]:
        """[(position, snapshot)] of an attempt, read server-side: the page never holds the key."""
        with self.app.app_context():
            attempt = _db.session.get(Attempt, attempt_id)
            return [(aq.position, dict(aq.snapshot)) for aq in attempt.questions]

    def answers(self, attempt_id: int) -> dict[int, object]:
        """{position: saved answer} of an attempt."""
        with self.app.app_context():
            attempt = _db.session.get(Attempt, attempt_id)
            return {aq.position: aq.answer for aq in attempt.questions}


def _browser_config(tmp_dir: Path):
    url = os.environ.get("DATABASE_URL", "")
    schema = None

    class BrowserConfig(TestConfig):
        # Each test logs in a few times from 127.0.0.1; the login limit is tested elsewhere.
        LOGIN_ACCOUNT_LIMIT = LOGIN_ADDRESS_LIMIT = "10000 per minute"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_dir / 'browser.db'}"

    if url.startswith("postgresql"):
        schema = f"browser_{os.getpid()}"
        BrowserConfig.SQLALCHEMY_DATABASE_URI = url
        BrowserConfig.SQLALCHEMY_ENGINE_OPTIONS = {
            **TestConfig.SQLALCHEMY_ENGINE_OPTIONS,
            "connect_args": {"options": f"-csearch_path={schema}"},
        }
    return BrowserConfig, url, schema


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pg_schema(url: str, sql: str) -> None:
    """Run schema DDL; also drop schemas left by earlier runs whose process died (a crash skips teardown)."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            names = conn.scalars(text(r"SELECT nspname FROM pg_namespace WHERE nspname ~ '^browser_[0-9]+$'"))
            for name in list(names):
                if not _pid_alive(int(name.split("_")[1])):
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(sql))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app served over HTTP by a werkzeug server thread, with its own schema or database file."""
    config, url, schema = _browser_config(tmp_path_factory.mktemp("browser-db"))
    if schema:
        _pg_schema(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    app = create_app(config)
    with app.app_context():
        _db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        if schema:
            _pg_schema(url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@dataclass
class SectionInfo:
    slug: str
    title: str


@dataclass
class ModuleInfo:
    slug: str
    title: str
    quiz_slug: str
    sections: list[SectionInfo]


@dataclass
class LiveData:
    """What a test needs to drive the UI: logins (all with PASSWORD) and the content's titles."""
    consultant: str
    consultant_name: str
    coordinator: str
    admin: str
    team_id: int
    team_name: str
    modules: list[ModuleInfo] = field(default_factory=list)
    password: str = PASSWORD


@pytest.fixture
def live_data(live_server):
    """Fresh rows for each test: the sample content, a team with one station, a coordinator,
    a consultant and an admin."""
    app = live_server.app
    with app.app_context():
        wipe_rows()
        load_content(_db.session, read_content(app.config["COURSES_DIR"], app.config["QUIZZES_DIR"]))
        _db.session.commit()
        limiter.reset()
        make = Factory(_db.session)
        team = make.team(name="Бригада Медеу")
        station = make.station(team, number=101)
        coordinator = make.user("coordinator", team=team, login="coord", name="Коордова Сауле")
        consultant = make.user("consultant", team=team, station=station, login="aigerim", name="Абенова Айгерим")
        admin = make.user("admin", login="admin", name="Админов Ерлан")
        modules = [ModuleInfo(m.slug, m.title, m.quiz_slug, [SectionInfo(s.slug, s.title) for s in m.sections])
                   for m in _db.session.scalars(select(Module).order_by(Module.position))]
        data = LiveData(consultant=consultant.login, consultant_name=consultant.full_name,
                        coordinator=coordinator.login, admin=admin.login,
                        team_id=team.id, team_name=team.name, modules=modules)
        _db.session.remove()
    return data


# ---------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make /usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    pw = sync_api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        pw.stop()


class Watched:
    """A page plus what went wrong in it: JS errors, console errors, dialogs (an XSS alert)."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if url.endswith("/favicon.ico"):
            return  # the app has no favicon; Chromium asks anyway
        self.problems.append(f"console: {msg.text} ({url})")

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.type} {dialog.message!r}")
        dialog.dismiss()


@pytest.fixture
def open_page(chromium_browser, live_server):
    """open_page("phone"|"desktop", bypass_csp=False) -> Watched; contexts close after the test."""
    contexts = []

    def _open(device="phone", bypass_csp=False):
        context = chromium_browser.new_context(base_url=live_server.url, locale="ru-RU",
                                               timezone_id="Asia/Almaty", bypass_csp=bypass_csp,
                                               **VIEWPORTS[device])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Watched(context.new_page())

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shot(screenshot_dir):
    """shot(page, "dashboard", "phone") saves tests/artifacts/screenshots/dashboard-phone.png."""
    def _shot(page, name, device):
        path = screenshot_dir / f"{name}-{device}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return _shot


@pytest.fixture(scope="session")
def axe_path():
    if not AXE_JS.exists():
        pytest.skip(f"{AXE_JS} missing (npm ci)")
    return str(AXE_JS)

"""Printing in real Chromium: each shipped memo and a team's readiness sheet fit on one A4 page."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from school.extensions import db as _db
from school.models import Memo
from school.services.content import load_content, read_content

from .flows import login

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_every_shipped_memo_prints_on_one_a4_page(live_server, live_data, open_page):
    with live_server.app.app_context():
        load_content(_db.session, read_content(str(ROOT / "courses"), str(ROOT / "quizzes")))
        slugs = list(_db.session.scalars(select(Memo.slug).order_by(Memo.position)))
        _db.session.remove()
    shipped = sorted(p.stem for p in (ROOT / "courses" / "memos").glob("*.md"))
    assert set(shipped) <= set(slugs) and len(shipped) >= 3
    watched = open_page("desktop")
    page = watched.page
    login(page, live_data.consultant, live_data.password, "/dashboard")
    for slug in shipped:
        page.goto(f"/memos/{slug}")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=False)
        assert _pages(pdf) == 1, f"{slug}: {_pages(pdf)} pages"
    assert watched.problems == []


def test_readiness_sheet_prints_on_one_a4_page(live_server, live_data, open_page):
    page = open_page("desktop").page
    login(page, live_data.coordinator, live_data.password, f"/teams/{live_data.team_id}")
    page.goto(f"/teams/{live_data.team_id}/print")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert _pages(pdf) == 1
    assert page.get_by_role("heading", name=re.compile("Лист готовности")).is_visible()

"""Reading modules: sections in order, resume where one stopped, progress and time spent."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from school.models import Module, SectionProgress
from school.services import progress

from .conftest import csrf_from

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _module(db, slug="law"):
    return db.session.scalar(select(Module).filter_by(slug=slug))


def test_section_page_has_prev_next_and_sanitised_body(client, login_as):
    login_as("consultant")
    html = client.get("/modules/law/02-part").get_data(as_text=True)
    assert 'href="/modules/law/01-part" rel="prev"' in html
    assert "раздел 2 из 3" in html and "Прочитано, далее" in html
    assert "<script>alert" not in html


def test_unknown_module_or_section_is_404(client, login_as):
    login_as("consultant")
    assert client.get("/modules/nope").status_code == 404
    assert client.get("/modules/law/99-nope").status_code == 404


def test_done_goes_to_the_next_section_and_last_goes_back_to_module(client, login_as):
    login_as("consultant")
    page = client.get("/modules/law/01-part")
    assert client.post("/modules/law/01-part/done", data={"csrf_token": csrf_from(page)}).headers[
        "Location"] == "/modules/law/02-part"
    assert client.post("/modules/law/03-part/done", data={"csrf_token": csrf_from(page)}).headers[
        "Location"] == "/modules/law"


def test_resume_returns_to_the_section_left_unfinished(client, db, login_as):
    user = login_as("consultant")
    module = _module(db)
    s1, s2, _ = module.sections
    progress.complete_section(db.session, user.id, s1, now=T0)
    progress.open_section(db.session, user.id, s2, now=T0 + timedelta(minutes=1))
    db.session.commit()
    assert progress.resume_section(db.session, user.id, module) == s2
    html = client.get("/modules/law").get_data(as_text=True)
    assert 'href="/modules/law/02-part">Продолжить: Раздел 2 о праве' in html


def test_resume_after_finishing_goes_to_first_unread(db, make):
    user = make.user()
    module = _module(db)
    s1, s2, s3 = module.sections
    for s in (s1, s3):
        progress.complete_section(db.session, user.id, s, now=T0)
    db.session.commit()
    assert progress.resume_section(db.session, user.id, module) == s2


def test_time_spent_counts_reading_time_capped(db, make):
    user = make.user()
    section = _module(db).sections[0]  # 10 minutes estimated: cap 30 minutes
    progress.open_section(db.session, user.id, section, now=T0)
    progress.complete_section(db.session, user.id, section, now=T0 + timedelta(minutes=7))
    progress.open_section(db.session, user.id, section, now=T0 + timedelta(hours=1))
    progress.complete_section(db.session, user.id, section, now=T0 + timedelta(hours=9))
    db.session.commit()
    row = db.session.scalar(select(SectionProgress))
    assert row.seconds_spent == 7 * 60 + 30 * 60 and row.completed_at == T0 + timedelta(minutes=7)


def test_dashboard_shows_progress_and_quiz_status(client, db, login_as):
    user = login_as("consultant")
    for section in _module(db).sections[:2]:
        progress.open_section(db.session, user.id, section, now=T0)
        progress.complete_section(db.session, user.id, section, now=T0 + timedelta(minutes=5))
    db.session.commit()
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Прочитано 2 из 3 разделов · 10 мин из ~30 мин" in html
    assert "не начат" in html


def test_coordinator_reads_scenarios_without_recording_progress(client, db, login_as):
    login_as("coordinator", team=None)
    assert client.get("/modules/situations/01-case").status_code == 200
    assert db.session.scalar(select(SectionProgress)) is None


def test_memos_list_and_page(client, login_as):
    login_as("consultant")
    assert "Что взять с собой" in client.get("/memos").get_data(as_text=True)
    html = client.get("/memos/01-carry").get_data(as_text=True)
    assert "Удостоверение личности" in html and "data-print" in html
    assert client.get("/memos/nope").status_code == 404

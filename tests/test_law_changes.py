"""Changes of the law: the citing sections and questions, the affected consultants, the re-check drawn
only from updated questions, and the status qualified → needs update → qualified."""

import shutil
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from config import BASE_DIR
from school.models import AuditEntry, Quiz, Recheck
from school.services import answering, lawchanges
from school.services import attempts as svc
from school.services import qualification as qual
from school.services.content import load_content, read_content

from .conftest import csrf_from
from .helpers import attempt_form
from .test_quiz import _form

DATA = BASE_DIR / "tests" / "data"
BEFORE, AFTER = datetime(2026, 6, 1, 9, 0, tzinfo=UTC), datetime(2026, 7, 15, 9, 0, tzinfo=UTC)
EFFECTIVE = date(2026, 7, 1)


def take(db, user, slug, right=True, now=None):
    quiz = db.session.scalar(select(Quiz).filter_by(slug=slug))
    attempt = svc.start_attempt(db.session, user.id, quiz, now=now)
    return answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id, right=right)), now=now)


def qualify(db, user, now):
    take(db, user, "law", now=now)
    take(db, user, "situations", now=now)


def reload(db, tmp_path, edits: dict[str, list[tuple[str, str]]]):
    """Load the sample content again with these replacements ({relative path: [(old, new)]})."""
    root = tmp_path / "content"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(DATA / "courses", root / "courses")
    shutil.copytree(DATA / "quizzes", root / "quizzes")
    for name, pairs in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    bundle = read_content(str(root / "courses"), str(root / "quizzes"))
    assert not bundle.errors, [str(e) for e in bundle.errors]
    load_content(db.session, bundle)


# Two questions of the law bank citing ст. 43 are rewritten for the change; law-e (also ст. 43) is not.
UPDATE_43 = {"quizzes/law.txt": [("Кто выдаёт заверенную копию протокола?", "Кто заверяет копию протокола?"),
                                 ("Сколько часов максимум длится подсчёт?", "Сколько часов может длиться подсчёт?")]}


@pytest.fixture
def people(db, make):
    """`early` qualified before the change takes effect, `late` after it."""
    team = make.team()
    early = make.user(team=team, station=make.station(team), name="Ранняя Айгуль")
    late = make.user(team=team, station=make.station(team), name="Поздний Марат")
    qualify(db, early, BEFORE)
    qualify(db, late, AFTER)
    return early, late


def record(db, admin, articles="ст. 43"):
    change = lawchanges.record(db.session, admin.id, articles, EFFECTIVE, "Изменён порядок подсчёта.")
    db.session.commit()
    return change


def test_review_lists_citing_sections_and_questions_until_updated(db, make, tmp_path):
    change = record(db, make.user("admin"), "ст. 20-1, ст. 43")
    review = lawchanges.review(db.session, change)
    sections = {(i.module.slug, i.item.slug) for i in review.sections}
    assert sections == {("law", "01-part"), ("law", "02-part"), ("law", "03-part"), ("situations", "01-case"),
                        ("situations", "02-case")}
    assert {i.item.key for i in review.questions} == {"law-a", "law-b", "law-d", "law-e"}
    assert review.waiting == 9 and not any(i.updated for i in review.sections + review.questions)
    reload(db, tmp_path, {**UPDATE_43, "courses/law/02-part.md": [("## Текст раздела 2", "## Текст раздела 2, новый")]})
    review = lawchanges.review(db.session, change)
    updated = {i.item.slug for i in review.sections if i.updated} | {i.item.key for i in review.questions if i.updated}
    assert updated == {"02-part", "law-a", "law-d"} and review.waiting == 6


def test_affected_are_those_qualified_before_the_change_in_a_citing_module(db, make, people):
    early, late = people
    change = record(db, make.user("admin"))  # ст. 43: cited by the law bank only
    assert [m.module.slug for m in lawchanges.affected_modules(db.session, change)] == ["law"]
    assert [(a.consultant.id, a.module.slug) for a in lawchanges.affected(db.session, change)] == [(early.id, "law")]
    other = record(db, make.user("admin"), "ст. 8")  # cited by the situations bank
    assert [(a.consultant.id, a.module.slug) for a in lawchanges.affected(db.session, other)] == [
        (early.id, "situations")]
    nobody = record(db, make.user("admin"), "ст. 99")
    assert lawchanges.affected(db.session, nobody) == []


def test_a_recheck_needs_updated_questions(db, make, people):
    change = record(db, make.user("admin"))
    with pytest.raises(lawchanges.LawChangeError):
        lawchanges.require_recheck(db.session, change, change.created_by_id, 10, None, 2)
    db.session.rollback()
    assert db.session.scalar(select(Recheck)) is None
    assert qual.of(db.session, people[0].id).status == "qualified"


def require(db, tmp_path, admin, questions=10, pass_mark=None, attempts=2):
    change = record(db, admin)
    reload(db, tmp_path, UPDATE_43)
    rechecks = lawchanges.require_recheck(db.session, change, admin.id, questions, pass_mark, attempts)
    db.session.commit()
    return change, rechecks[0].quiz


def test_status_qualified_then_needs_update_then_qualified(db, make, people, tmp_path):
    early, late = people
    since = qual.of(db.session, early.id).qualified_at
    change, quiz = require(db, tmp_path, make.user("admin"))
    assert (quiz.pass_mark, quiz.questions_per_attempt, quiz.max_attempts, quiz.required) == (80, 10, 2, False)
    db.session.expire_all()
    row = qual.of(db.session, early.id)
    assert (row.status, row.qualified_at) == ("needs_update", since)  # qualified since stays
    assert qual.of(db.session, late.id).status == "qualified"
    assert qual.qualification_of(db.session, early.id) is None  # not fully qualified meanwhile
    take(db, early, quiz.slug, right=False)
    assert qual.of(db.session, early.id).status == "needs_update"
    take(db, early, quiz.slug)
    db.session.expire_all()
    row = qual.of(db.session, early.id)
    assert (row.status, row.qualified_at) == ("qualified", since)
    audit = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "law.change" in audit and "law.recheck" in audit


def test_the_recheck_draws_only_questions_updated_for_the_change(db, make, people, tmp_path):
    early, late = people
    _, quiz = require(db, tmp_path, make.user("admin"), questions=10)
    for _ in range(5):
        attempt = svc.start_attempt(db.session, early.id, quiz)
        assert {aq.snapshot["key"] for aq in attempt.questions} == {"law-a", "law-d"}  # not law-e, not ст. 20-1
        db.session.delete(attempt)
        db.session.commit()
    with pytest.raises(svc.QuizRuleError):
        svc.start_attempt(db.session, late.id, quiz)  # not affected: not theirs to take


def test_recheck_settings_come_from_the_change(db, make, people, tmp_path):
    _, quiz = require(db, tmp_path, make.user("admin"), questions=1, pass_mark=50, attempts=3)
    assert (quiz.pass_mark, quiz.questions_per_attempt, quiz.max_attempts) == (50, 1, 3)
    attempt = svc.start_attempt(db.session, people[0].id, quiz)
    assert len(attempt.questions) == 1


def test_rebuild_keeps_needs_update(db, make, people, tmp_path):
    require(db, tmp_path, make.user("admin"))
    qual.rebuild(db.session)
    db.session.commit()
    assert [qual.of(db.session, p.id).status for p in people] == ["needs_update", "qualified"]


def _admin_client(app, login_as, client):
    login_as("admin")
    return client


def test_admin_records_a_change_and_requires_the_recheck_with_defaults(app, db, client, login_as, people, tmp_path):
    admin = login_as("admin")
    page = client.get("/admin/law")
    assert page.status_code == 200
    response = client.post("/admin/law", data={"articles": "ст. 43", "effective_date": "2026-07-01",
                                               "note": "Подсчёт: новый срок", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    change_url = response.headers["Location"]
    detail = client.get(change_url).get_data(as_text=True)
    assert "law-a" in detail and "на проверке" in detail and "Ранняя Айгуль" in detail
    assert "Поздний Марат" not in detail
    bad = client.post("/admin/law", data={"articles": "сорок три", "effective_date": "2026-07-01",
                                          "csrf_token": csrf_from(page)})
    assert bad.status_code == 400 and "ст. 20-1, ст. 43" in bad.get_data(as_text=True)
    reload(db, tmp_path, UPDATE_43)
    form = client.get(change_url)
    assert 'value="10"' in form.get_data(as_text=True) and 'value="2"' in form.get_data(as_text=True)
    done = client.post(change_url + "/recheck", data={"questions": "10", "pass_mark": "", "attempts": "2",
                                                      "csrf_token": csrf_from(form)})
    assert done.status_code == 302
    quiz = db.session.scalar(select(Recheck)).quiz
    assert (quiz.pass_mark, quiz.questions_per_attempt, quiz.max_attempts) == (80, 10, 2)
    assert admin.id == db.session.scalar(select(AuditEntry.actor_id).filter_by(action="law.recheck"))
    again = client.post(change_url + "/recheck", data={"questions": "10", "attempts": "2",
                                                       "csrf_token": csrf_from(form)})
    assert again.status_code == 409


@pytest.mark.parametrize("url", ["/admin/law", "/admin/articles"])
def test_law_pages_are_for_admins_only(client, login_as, url):
    login_as("coordinator")
    assert client.get(url).status_code == 404


def test_dashboard_says_what_changed_and_links_the_updated_sections(app, db, make, people, tmp_path, client,
                                                                    login_as):
    early, late = people
    admin = make.user("admin")
    change = record(db, admin, "ст. 20-1, ст. 43")
    reload(db, tmp_path, {**UPDATE_43, "courses/law/02-part.md": [("## Текст раздела 2", "## Текст раздела 2, новый")]})
    lawchanges.require_recheck(db.session, change, admin.id, 10, None, 2)
    db.session.commit()
    login_as(early)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Нужно обновить квалификацию" in page and "Изменён порядок подсчёта." in page
    assert 'href="/modules/law/02-part"' in page and "обновлён" in page
    quiz = db.session.scalar(select(Recheck)).quiz
    assert f'href="/quizzes/{quiz.slug}"' in page
    assert client.get(f"/quizzes/{quiz.slug}").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/dashboard"))})
    login_as(late)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Изменение закона" not in page and "Нужно обновить" not in page
    assert client.get(f"/quizzes/{quiz.slug}").status_code == 404

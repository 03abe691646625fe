"""Article index from content, the `articles:` check, and the version history of sections and questions
with a diff between versions, shown to admins."""

import shutil

from sqlalchemy import delete, func, select

from school.models import Question, QuestionVersion, Section, SectionVersion
from school.services import articles, history
from school.services.content import read_content

from .test_law_changes import DATA, reload

REWORDED = {"quizzes/law.txt": [("Кто выдаёт заверенную копию протокола?", "Кто заверяет копию протокола?")],
            "courses/law/02-part.md": [("## Текст раздела 2", "## Текст раздела 2, новый")]}


def test_citations_and_article_lists():
    assert articles.cited("ст. 20-1 п. 2 пп. 12; ст. 43 п. 1; ст. 20-1 п. 3") == ["20-1", "43"]
    assert articles.cited("практика школы") == []
    assert articles.parse_list("ст. 20-1, ст. 43; 49") == (["20-1", "43", "49"], [])
    assert articles.parse_list("ст. 20-1, статья сорок") == (["20-1"], ["статья сорок"])


def test_the_article_index_from_content(db):
    index = {e.article: e for e in articles.index(db.session)}
    assert [e.article for e in articles.index(db.session)] == sorted(index, key=articles.sort_key)
    assert {f"{m.slug}/{s.slug}" for m, s in index["20-1"].sections} == {
        "law/01-part", "law/02-part", "law/03-part", "situations/01-case", "situations/02-case"}
    assert [q.key for _, q in index["20-1"].questions] == ["law-b"]
    assert [q.key for _, q in index["43"].questions] == ["law-a", "law-d", "law-e"]
    assert index["43"].sections == []
    assert [q.key for _, q in index["8"].questions] == ["sit-b"]


def test_the_article_index_page(client, login_as):
    login_as("admin")
    page = client.get("/admin/articles").get_data(as_text=True)
    assert 'id="art-20-1"' in page and "law/01-part" in page and "law-e" in page


def _check(tmp_path, front: str):
    section = tmp_path / "courses" / "law" / "01-part.md"
    text = section.read_text(encoding="utf-8").replace("minutes: 10\n", f"minutes: 10\n{front}\n", 1)
    section.write_text(text, encoding="utf-8")
    return [str(e) for e in read_content(str(tmp_path / "courses"), str(tmp_path / "quizzes")).errors]


def test_content_check_checks_the_articles_field(tmp_path):
    shutil.copytree(DATA / "courses", tmp_path / "courses")
    shutil.copytree(DATA / "quizzes", tmp_path / "quizzes")
    assert _check(tmp_path, "articles: ст. 20-1, ст. 43") == []  # declared (may list more than the text cites)
    shutil.copy(DATA / "courses" / "law" / "01-part.md", tmp_path / "courses" / "law" / "01-part.md")
    errors = _check(tmp_path, "articles: ст. 43, статья")
    assert any(e.endswith("01-part.md:4: articles: «статья» — не статья; пишите «ст. 20-1, ст. 43»") for e in errors)
    assert any(e.endswith("01-part.md:4: articles: текст ссылается на ст. 20-1, а в списке их нет") for e in errors)


def test_content_check_wants_an_article_or_practice_in_each_question(tmp_path):
    shutil.copytree(DATA / "courses", tmp_path / "courses")
    shutil.copytree(DATA / "quizzes", tmp_path / "quizzes")
    bank = tmp_path / "quizzes" / "law.txt"
    bank.write_text(bank.read_text(encoding="utf-8").replace("article: ст. 39 п. 2", "article: Статья тридцать девять"),
                    encoding="utf-8")
    errors = [str(e) for e in read_content(str(tmp_path / "courses"), str(tmp_path / "quizzes")).errors]
    assert any("вопрос law-c: article — «ст. N п. M» или «практика школы»" in e for e in errors)


def _versions(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_loaded_version_is_kept_and_a_reload_adds_nothing(db, tmp_path):
    sections, questions = _versions(db, SectionVersion), _versions(db, QuestionVersion)
    assert sections == db.session.scalar(select(func.count()).select_from(Section))
    assert questions == db.session.scalar(select(func.count()).select_from(Question))
    reload(db, tmp_path, {})
    assert (_versions(db, SectionVersion), _versions(db, QuestionVersion)) == (sections, questions)
    reload(db, tmp_path, REWORDED)
    assert (_versions(db, SectionVersion), _versions(db, QuestionVersion)) == (sections + 1, questions + 1)
    section = db.session.scalar(select(Section).filter_by(slug="02-part"))
    old, new = history.section_versions(db.session, section.id)
    assert (old.version, new.version) == (1, 2)
    assert "## Текст раздела 2\n" in old.source and "## Текст раздела 2, новый" in new.source
    assert new.articles == ["20-1"]


def test_missing_history_is_filled_in_on_load(db, tmp_path):
    db.session.execute(delete(QuestionVersion))
    db.session.commit()
    reload(db, tmp_path, {})
    assert _versions(db, QuestionVersion) == db.session.scalar(select(func.count()).select_from(Question))


def test_the_diff_between_two_versions():
    lines = history.diff("a\nb\nc\n", "a\nB\nc\n", "версия 1", "версия 2")
    assert [(d.kind, d.text) for d in lines if d.kind in ("add", "del")] == [("del", "-b"), ("add", "+B")]
    assert history.diff("same\n", "same\n", "1", "2") == []


def test_admins_see_the_history_and_diff(db, client, login_as, tmp_path):
    reload(db, tmp_path, REWORDED)
    login_as("admin")
    section = db.session.scalar(select(Section).filter_by(slug="02-part"))
    page = client.get(f"/admin/content/sections/{section.id}/history").get_data(as_text=True)
    assert '<span class="diff-del">-## Текст раздела 2</span>' in page
    assert '<span class="diff-add">+## Текст раздела 2, новый</span>' in page
    question = db.session.scalar(select(Question).filter_by(key="law-a"))
    page = client.get(f"/admin/content/questions/{question.id}/history?a=1&b=2").get_data(as_text=True)
    assert '<span class="diff-del">-text: Кто выдаёт заверенную копию протокола?</span>' in page
    assert '<span class="diff-add">+text: Кто заверяет копию протокола?</span>' in page
    assert client.get(f"/admin/content/questions/{question.id}/history?a=1&b=9").status_code == 404
    assert f"/admin/content/sections/{section.id}/history" in client.get("/admin/content").get_data(as_text=True)


def test_history_is_for_admins_only(db, client, login_as):
    login_as("coordinator")
    section = db.session.scalar(select(Section))
    assert client.get(f"/admin/content/sections/{section.id}/history").status_code == 404

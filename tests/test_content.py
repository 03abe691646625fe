"""Content loader: good samples load idempotently, broken files report file:line and load nothing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from school.models import Memo, Module, Question, Quiz, Section
from school.services.bank_rules import BankRules
from school.services.content import load_content, read_content
from school.services.markdown import render
from school.services.quizfile import parse_quiz

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def test_sample_content_loads(db):
    assert db.session.scalar(select(func.count()).select_from(Module)) == 2
    law = db.session.scalar(select(Module).filter_by(slug="law"))
    assert [s.slug for s in law.sections] == ["01-part", "02-part", "03-part"]
    assert law.minutes == 30 and law.law_as_of.isoformat() == "2026-07-01"
    assert db.session.scalar(select(func.count()).select_from(Memo)) == 1
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    assert quiz.module_id == law.id and quiz.pass_mark == 80 and quiz.shuffle is False


def test_loading_twice_duplicates_nothing(app, db):
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Module, Section, Quiz, Question)]
    report = load_content(db.session, read_content(app.config["COURSES_DIR"], app.config["QUIZZES_DIR"]))
    assert report["questions_changed"] == 0
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Module, Section, Quiz, Question)] == counts


def test_rendered_markdown_is_sanitised(db):
    html = db.session.scalar(select(Section).filter_by(slug="01-part")).html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert "<h2>" in html


def test_render_keeps_self_check_details_and_list_start():
    html = render('1. a\n\n<details markdown="1"><summary>Ответ</summary>\n\n**да**\n\n</details>\n\n2. b\n')
    assert "<details>" in html and "<strong>да</strong>" in html and 'start="2"' in html


def test_parser_reads_every_question_type():
    spec, errors = parse_quiz("law.txt", "law", (DATA / "quizzes" / "law.txt").read_text())
    assert errors == []
    by_key = {q.key: q for q in spec.questions}
    assert by_key["law-a"].data["options"][1] == {"text": "Комиссия по требованию наблюдателя", "correct": True}
    assert by_key["law-c"].data["answer"] is True
    assert by_key["law-d"].data["answer"] == 12.0
    assert by_key["law-e"].data["items"][0] == "Погасить неиспользованные бюллетени"
    assert by_key["law-f"].data["pairs"][1] == ["10 дней", "обжалование"]


def test_broken_quiz_reports_every_error_with_file_and_line():
    path = str(DATA / "broken" / "bad.txt")
    _, errors = parse_quiz(path, "bad", Path(path).read_text())
    messages = [str(e) for e in errors]
    assert f"{path}:4: неизвестное поле «colour»" in messages
    assert any(m.startswith(f"{path}:6:") and "ровно один верный" in m for m in messages)
    assert any(m.startswith(f"{path}:14:") and "уже был в строке 6" in m for m in messages)
    assert any(m.startswith(f"{path}:14:") and "«explanation»" in m for m in messages)
    assert any(m.startswith(f"{path}:22:") and "неизвестный тип «riddle»" in m for m in messages)
    assert any(m.startswith(f"{path}:26:") and "непонятная строка" in m for m in messages)


def _copy_content(tmp_path):
    courses, quizzes = tmp_path / "courses", tmp_path / "quizzes"
    for src in (DATA / "courses").rglob("*"):
        if src.is_file():
            dest = courses / src.relative_to(DATA / "courses")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(src.read_text())
    quizzes.mkdir()
    for src in (DATA / "quizzes").glob("*.txt"):
        (quizzes / src.name).write_text(src.read_text())
    return courses, quizzes


def test_a_bad_file_loads_nothing_and_keeps_the_old_version(db, tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    text = (quizzes / "law.txt").read_text()
    (quizzes / "law.txt").write_text(text.replace("Кто выдаёт", "Кто ВЫДАЁТ").replace("type: numeric", "type: nope"))
    bundle = read_content(str(courses), str(quizzes))
    assert any("law.txt" in str(e) and "nope" in str(e) for e in bundle.errors)
    load_content(db.session, bundle)
    question = db.session.scalar(select(Question).filter_by(key="law-a"))
    assert question.data["text"].startswith("Кто выдаёт") and question.version == 1


def test_editing_a_question_makes_a_new_version_with_the_same_id(db, tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    before = db.session.scalar(select(Question).filter_by(key="law-a"))
    old_id = before.id
    text = (quizzes / "law.txt").read_text()
    (quizzes / "law.txt").write_text(text.replace("Кто выдаёт", "Кто выдаёт (исправлено)"))
    report = load_content(db.session, read_content(str(courses), str(quizzes)))
    assert report["questions_changed"] == 1
    after = db.session.scalar(select(Question).filter_by(key="law-a"))
    assert after.id == old_id and after.version == 2 and "исправлено" in after.data["text"]


def test_section_file_errors_name_the_line(tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    (courses / "law" / "04-bad.md").write_text("---\ntitle: Плохой\nminutes: много\nauthor: я\n---\nТекст\n")
    errors = [str(e) for e in read_content(str(courses), str(quizzes)).errors]
    assert any(e.endswith("04-bad.md:3: поле «minutes»: ожидается целое число от 1 до 600") for e in errors)
    assert any(e.endswith("04-bad.md:4: неизвестное поле «author»") for e in errors)


def test_shipped_content_is_valid_and_complete():
    """The real courses/ and quizzes/: no errors, every question explained and referenced."""
    bundle = read_content(str(ROOT / "courses"), str(ROOT / "quizzes"))
    assert [str(e) for e in bundle.errors] == []
    assert len(bundle.modules) == 2 and len(bundle.memos) >= 3
    for module in bundle.modules:
        assert len(module["sections"]) >= 3
        assert 110 <= sum(s["minutes"] for s in module["sections"]) <= 130, module["slug"]
    for quiz in bundle.quizzes:
        assert len(quiz.questions) >= 60, quiz.slug
        for q in quiz.questions:
            assert q.data["explanation"].strip() and q.data["article"].strip(), q.key


def test_shipped_banks_meet_the_bank_rules_and_study_time():
    """The center's rules (issue 13) on the real content: the same check as `content check` in `make test`."""
    bundle = read_content(str(ROOT / "courses"), str(ROOT / "quizzes"), BankRules())
    assert [str(e) for e in bundle.errors] == []
    assert [str(w) for w in bundle.warnings] == []


def test_topic_lines_are_checked_against_questions_and_sections(tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    text = (quizzes / "law.txt").read_text()
    text = text.replace("topic removal: Удаление с участка -> 02-part\n",
                        "topic removal: Удаление с участка -> 09-missing\ntopic unused: Никто -> 01-part\n")
    text = text.replace("topic count: Подсчёт голосов -> 03-part, situations/01-case\n", "")
    (quizzes / "law.txt").write_text(text)
    errors = [str(e).split("law.txt:", 1)[1] for e in read_content(str(courses), str(quizzes)).errors]
    assert "10: тема removal: раздел «law/09-missing» не найден" in errors
    assert "11: тема unused не используется ни в одном вопросе" in errors
    assert sum("тема «count» не описана строкой topic" in e for e in errors) == 2


def test_topics_load_with_their_sections_and_review_mode(db):
    from school.models import Quiz
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    assert quiz.review == "after_pass"
    assert quiz.topics["count"] == {"title": "Подсчёт голосов", "sections": ["law/03-part", "situations/01-case"]}


def test_old_review_modes_are_refused_with_the_new_ones_named(tmp_path):
    _, errors = parse_quiz("q.txt", "q", "---\ntitle: T\nmodule: law\nreview: full\n---\n=== a\ntype: truefalse\n"
                                          "text: t\nanswer: верно\nexplanation: e\narticle: a\n")
    assert [str(e) for e in errors] == ["q.txt:4: поле «review»: after_pass, never, always"]


def test_study_time_is_words_per_150_plus_one_and_a_half_minutes_per_self_check():
    from school.services.study_time import estimate
    body = ["## Текст", "", "слово " * 295, "", "## Самопроверка", "", "1. Первый вопрос?", "",
            '<details markdown="1"><summary>Ответ</summary>', "", "Ответ.", "", "</details>", "",
            "### Подсказка", "", "2. Второй?", "  3. вложенный пункт не считается", "", "## Дальше", "",
            "4. Не самопроверка"]
    minutes, words, checks = estimate(body)
    # 295 + «Текст» «Самопроверка» «Первый вопрос» «Ответ» «Ответ» «Подсказка» «Второй»
    # «вложенный пункт не считается» «Дальше» «Не самопроверка»: tags are not words
    assert (words, checks) == (295 + 15, 2)
    assert minutes == pytest.approx(310 / 150 + 3)


def test_content_check_warns_about_study_time_but_does_not_refuse(app, runner, tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    checks = "\n".join(f"{n}. Вопрос {n}?" for n in range(1, 5))
    (courses / "law" / "04-long.md").write_text(
        "---\ntitle: Длинный\nminutes: 10\n---\n" + "слово " * 900 + f"\n\n## Самопроверка\n\n{checks}\n")
    (courses / "law" / "05-reference.md").write_text("---\ntitle: Справка\nminutes: 200\n---\n" + "слово " * 18000)
    bundle = read_content(str(courses), str(quizzes))
    assert bundle.errors == []
    warnings = [str(w) for w in bundle.warnings]
    assert warnings == [
        f"{courses}/law/04-long.md:3: minutes: 10, а по оценке нужно не меньше 13 мин (905 слов / 150 + 4 вопросов "
        "самопроверки × 1.5): увеличьте minutes или сократите раздел",
        f"{courses}/law/module.md:1: модуль law: по оценке 132 мин, больше 125; перенесите справочный материал "
        "в памятки"]
    app.config.update(COURSES_DIR=str(courses), QUIZZES_DIR=str(quizzes))
    try:
        result = runner.invoke(args=["content", "check"])
    finally:
        app.config.update(COURSES_DIR=str(DATA / "courses"), QUIZZES_DIR=str(DATA / "quizzes"))
    assert result.exit_code == 0
    assert "04-long.md:3: предупреждение: minutes: 10" in result.output
    assert "ошибок: 0; предупреждений: 2" in result.output


def test_memo_needs_its_as_of_date(db, tmp_path):
    courses, quizzes = _copy_content(tmp_path)
    memo = courses / "memos" / "01-carry.md"
    assert db.session.scalar(select(Memo).filter_by(slug="01-carry")).as_of.isoformat() == "2026-07-01"
    memo.write_text(memo.read_text().replace("as_of: 2026-07-01\n", ""))
    (courses / "memos" / "02-bad.md").write_text("---\ntitle: Плохая\norder: 2\nas_of: 1 июля\n---\nТекст\n")
    errors = [str(e) for e in read_content(str(courses), str(quizzes)).errors]
    assert f"{memo}:1: нет обязательного поля «as_of»" in errors
    assert f"{courses}/memos/02-bad.md:4: as_of: дата ГГГГ-ММ-ДД" in errors

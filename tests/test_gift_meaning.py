"""GIFT that never changes meaning (issue 11): each construct of real GIFT files written by other
systems is either kept and graded as Moodle grades it, or refused with its line and the reason."""

import random
from pathlib import Path

import pytest

from school.services.gift import from_gift, to_gift, to_quiz_text
from school.services.question_types import REGISTRY, answer_feedback
from school.services.quizfile import TO_FILL, MissingValue, QuizSpec, parse_quiz

DATA = Path(__file__).parent / "data"
GIFT = DATA / "gift"
OTHER = GIFT / "other-system.gift"


def _line(path: Path, marker: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if marker in line)


def _imported(path=OTHER):
    """The file through import, our bank text and back: what a consultant would be tested on."""
    questions = from_gift(path.read_text(encoding="utf-8"), path.name)[0]
    spec = parse_quiz("bank.txt", "bank", to_quiz_text({"title": "Импорт", "module": "law"}, questions))[0]
    return {q.key: q for q in spec.questions}


def test_a_file_from_another_system_imports_whole_with_only_the_missing_fields_to_fill():
    questions, errors = from_gift(OTHER.read_text(encoding="utf-8"), OTHER.name)
    assert [str(e) for e in errors] == [] and len(questions) == 8
    _, errors = parse_quiz("bank.txt", "bank", to_quiz_text({"title": "Импорт", "module": "law"}, questions))
    assert len(errors) == 15 and all(isinstance(e, MissingValue) for e in errors)


def _grade(question, answer):
    """Points for an answer given by option texts (choices) or as typed (numeric, short)."""
    snap = {**REGISTRY[question.type].snapshot(question.data, random.Random(3)), "type": question.type}
    ids = {c["text"]: c["id"] for c in snap["choices"]}
    given = sorted(ids[a] for a in answer) if isinstance(answer, list) else answer
    return REGISTRY[question.type].grade(snap, given), answer_feedback(snap, given)


# --- weights and penalties ------------------------------------------------------------------

RIGHTS, SIGNS = ("Присутствовать при подсчёте", "Получить копию протокола", "Выдавать бюллетени"), (
    "Председатель", "Секретарь", "Наблюдатель")


@pytest.mark.parametrize("key,picks,points", [
    # ~%50% ~%50% ~%-100%: a wrong pick cancels everything, as in Moodle (our own rule would leave 0.5)
    ("prava-nablyudatelya", [RIGHTS[0]], 0.5), ("prava-nablyudatelya", list(RIGHTS[:2]), 1.0),
    ("prava-nablyudatelya", list(RIGHTS), 0.0), ("prava-nablyudatelya", [RIGHTS[0], RIGHTS[2]], 0.0),
    # ~%70% ~%30% ~: unequal weights and a wrong option that costs nothing
    ("podpisi", [SIGNS[0]], 0.7), ("podpisi", [SIGNS[1]], 0.3), ("podpisi", [SIGNS[0], SIGNS[2]], 0.7),
    ("podpisi", list(SIGNS), 1.0),
])
def test_multiple_answer_weights_are_kept_and_graded_as_moodle_grades_them(key, picks, points):
    assert _grade(_imported()[key], picks)[0] == pytest.approx(points)


def test_a_single_choice_penalty_is_kept_and_takes_points_away():
    question = _imported()["kopiya"]
    assert question.data["options"][1] == {"text": "Наблюдатель сам", "correct": False, "weight": -50.0,
                                           "feedback": "Нет, и за этот ответ снимается половина балла."}
    assert _grade(question, ["Комиссия"]) == (1.0, ["Верно."])
    assert _grade(question, ["Наблюдатель сам"])[0] == -0.5
    assert _grade(question, ["Аким"]) == (0.0, [])


def test_only_weights_other_than_our_own_scoring_are_kept_as_weights():
    ours, other = (from_gift(f"::m::Что?{{~%50%А ~%50%Б ~%{w}%В####П. [[article\\: ст. 1]]}}\n")[0][0]
                   for w in (-50, -100))
    assert ours.data["options"] == [{"text": "А", "correct": True}, {"text": "Б", "correct": True},
                                    {"text": "В", "correct": False}]
    assert [o.get("weight") for o in other.data["options"]] == [50.0, 50.0, -100.0]


# --- HTML -----------------------------------------------------------------------------------

def test_html_superscript_keeps_its_meaning_and_feedback_of_both_answers_is_kept():
    question = _imported()["dolya"]
    assert question.data["text"] == "Допустимая доля ошибок — не больше 10⁻³."
    assert (question.data["feedback_true"], question.data["feedback_false"]) == ("Да.", "Нет, это так.")
    assert _grade(question, ["Неверно"]) == (0.0, ["Нет, это так."])


@pytest.mark.parametrize("marker,reason", [
    ("::Ссылка::", "HTML-тег <a> (ссылка) не переносится"), ("::Картинка::", "<img> (картинка)"),
    ("::Список::", "<ul> (список)"), ("::Индекс::", "нижний индекс «x» нельзя записать обычным текстом"),
    ("::Два верных::", "вопрос с одним ответом: ответов на 100 % должно быть ровно один, а их 2"),
    ("::Нет верного::", "ни у одного варианта нет положительного веса"),
    ("::Вес::", "вес 150 % вне пределов от -100 до 100 %"),
    ("::Шаблон::", "звёздочка * (шаблон Moodle) не поддерживается"),
    ("::Любой другой::", "отзыв на любой другой ответ (~…) не поддерживается"),
    ("::Лишний ответ::", "пара без левой части"), ("::Эссе::", "эссе ({}) не поддерживается"),
    ("::Первый::", "между вопросами нужна пустая строка"),
])
def test_what_cannot_keep_its_meaning_is_refused_with_its_line_and_reason(marker, reason):
    path = GIFT / "refused.gift"
    questions, errors = from_gift(path.read_text(encoding="utf-8"), str(path))
    assert questions == []
    mine = [e for e in errors if e.line == _line(path, marker)]
    assert len(mine) == 1 and reason in mine[0].message and str(mine[0]).startswith(f"{path}:{mine[0].line}: ")


# --- numeric, short answer, match -----------------------------------------------------------

@pytest.mark.parametrize("typed,points", [(5.0, 1.0), (7.0, 1.0), (11.0, 1.0), (6.0, 0.0), (9.0, 0.0)])
def test_a_numeric_question_keeps_every_right_answer(typed, points):
    assert _grade(_imported()["prostye"], typed) == (points, [])


@pytest.mark.parametrize("typed,points,feedback", [(10.0, 1.0, ["Точно."]), (9.5, 0.5, ["Почти."]),
                                                   (8.0, 0.5, ["Почти."]), (7.0, 0.0, [])])
def test_numeric_partial_credit_and_feedback_are_kept(typed, points, feedback):
    assert _grade(_imported()["srok"], typed) == (points, feedback)


@pytest.mark.parametrize("typed,points", [("председатель", 1.0), ("  Председатель ", 1.0), ("СЕКРЕТАРЬ", 0.5),
                                          ("аким", 0.0), ("председатель комиссии", 0.0)])
def test_short_answer_is_a_type_of_its_own(typed, points):
    question = _imported()["pervaya-podpis"]
    assert question.type == "short"
    answer = REGISTRY["short"].parse({}, [typed], {})
    assert _grade(question, answer)[0] == points


def test_a_hash_in_a_match_answer_is_text():
    assert _imported()["yazyki"].data["pairs"] == [["C#", ".cs"], ["Python", ".py"]]


# --- ids, missing article, re-import ---------------------------------------------------------

def test_cyrillic_titles_give_ids_that_survive_an_inserted_question():
    text = OTHER.read_text(encoding="utf-8")
    before = [q.key for q in from_gift(text)[0]]
    inserted = text.replace("::Подписи::", "::Новый вопрос::Голосование тайное.{T}\n\n::Подписи::")
    after = [q.key for q in from_gift(inserted)[0]]
    assert before[:2] == ["prava-nablyudatelya", "podpisi"] and after == [before[0], "novyy-vopros", *before[1:]]


def test_questions_without_an_article_are_marked_and_content_check_refuses_them(app, runner, tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    bank = quizzes / "law.txt"
    result = runner.invoke(args=["quizzes", "import-gift", str(OTHER), "--quiz", "law", "--output", str(bank)])
    assert result.exit_code == 0, result.output
    assert f"Заполните поля с «{TO_FILL}» (15)" in result.output
    lines = bank.read_text(encoding="utf-8").splitlines()
    article = lines.index(f"article: {TO_FILL}") + 1
    app.config["QUIZZES_DIR"] = str(quizzes)
    try:
        checked = runner.invoke(args=["content", "check"])
    finally:
        app.config["QUIZZES_DIR"] = str(DATA / "quizzes")
    assert checked.exit_code == 1
    assert f"{bank}:{article}: вопрос prava-nablyudatelya: заполните поле «article»" in checked.output
    filled = bank.read_text(encoding="utf-8").replace(TO_FILL, "ст. 20-1")
    assert parse_quiz(str(bank), "law", filled)[1] == []


def test_reimport_into_an_existing_bank_keeps_every_setting_and_topic_line(app, runner, tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    existing = (DATA / "quizzes" / "law.txt").read_text(encoding="utf-8")
    existing = existing.replace("shuffle: no\n", "shuffle: no\nquestions_per_topic: 2\ntime_limit: 30\n")
    (quizzes / "law.txt").write_text(existing, encoding="utf-8")
    app.config["QUIZZES_DIR"] = str(quizzes)
    gift = tmp_path / "law.gift"
    try:
        gift.write_text(to_gift(parse_quiz("law.txt", "law", existing)[0]), encoding="utf-8")
        result = runner.invoke(args=["quizzes", "import-gift", str(gift), "--quiz", "law", "--force"])
    finally:
        app.config["QUIZZES_DIR"] = str(DATA / "quizzes")
    assert result.exit_code == 0, result.output
    before = parse_quiz("a", "law", existing)[0]
    after = parse_quiz("b", "law", (quizzes / "law.txt").read_text(encoding="utf-8"))[0]
    assert after.settings == before.settings and after.settings["questions_per_topic"] == 2
    assert "topic count: Подсчёт голосов -> 03-part, situations/01-case" in (quizzes / "law.txt").read_text()


# --- export ---------------------------------------------------------------------------------

def _moodle_pairs(gift: str) -> list[tuple[str, str]]:
    """How Moodle reads a matching answer line: split at the first `->`."""
    return [tuple(part.strip() for part in line.strip()[1:].split("->", 1))
            for line in gift.splitlines() if line.startswith("\t=") and "->" in line]


def test_an_order_step_with_an_arrow_and_text_with_lt_and_amp_survive_moodle():
    bank = """---
title: Т
module: law
---
=== o-1
type: order
text: Порядок, если явка < 5% & нет кворума?
1. Сверить итог -> протокол
2. Подписать
explanation: Сначала сверка.
article: ст. 43
"""
    spec = parse_quiz("b.txt", "b", bank)[0]
    gift = to_gift(spec)
    assert "<" not in gift and " & " not in gift
    assert "Порядок, если явка &lt; 5% &amp; нет кворума?" in gift
    assert _moodle_pairs(gift) == [("Сверить итог -&gt; протокол", "1"), ("Подписать", "2")]
    again, original = from_gift(gift)[0][0].data, spec.questions[0].data
    assert (again["text"], again["items"]) == (original["text"], original["items"])


NEW_FORMAT = """---
title: Т
module: law
---
=== w-1
type: multiple
text: Что?
+70% Председатель
> Да, главный.
+30% Секретарь
-100% Наблюдатель
explanation: П.
article: ст. 1

=== w-2
type: single
text: Кто?
+ Комиссия
+50% Председатель комиссии
-50% Наблюдатель
- Аким
> Нет.
explanation: П.
article: ст. 1

=== w-3
type: numeric
text: Сколько?
+ 5
+ 7 ± 0.5
+50% 2..4
> Почти.
- 100
> Слишком много.
explanation: П.
article: ст. 1

=== w-4
type: short
text: Кто первым?
+ председатель
+50% секретарь: не первым
- аким
> Нет.
explanation: П.
article: ст. 1

=== w-5
type: truefalse
text: Тайное?
answer: верно
feedback_true: Да.
feedback_false: Нет, тайное.
explanation: П.
article: ст. 1
"""


def test_weights_feedback_several_answers_and_short_answers_round_trip_through_gift():
    spec, errors = parse_quiz("n.txt", "n", NEW_FORMAT)
    assert errors == []
    questions, errors = from_gift(to_gift(spec), "n.gift")
    assert [str(e) for e in errors] == []
    assert [(q.key, q.type, q.data) for q in questions] == [(q.key, q.type, q.data) for q in spec.questions]
    again = parse_quiz("again.txt", "n", to_quiz_text(spec.settings, questions))[0]
    assert [q.content_hash for q in again.questions] == [q.content_hash for q in spec.questions]


def test_a_short_answer_with_an_arrow_cannot_be_exported():
    spec = QuizSpec("b", "b.txt", {"title": "Т"}, parse_quiz("n.txt", "n", NEW_FORMAT)[0].questions[3:4])
    spec.questions[0].data["options"][0]["text"] = "a -> b"
    with pytest.raises(ValueError, match="вопрос w-4: краткий ответ «a -> b»: стрелку -> в GIFT не записать"):
        to_gift(spec)

"""What GIFT brought into the bank format and the registry: weights and penalties, per-answer
feedback, several numeric answers, short answers. Today's banks keep their data and grading."""

import random
import re

import pytest
from sqlalchemy import select

from config import BASE_DIR
from school.models import Attempt, Question
from school.services.question_types import REGISTRY, public_view
from school.services.quizfile import TO_FILL, MissingValue, parse_quiz

from .conftest import csrf_from, tab_from
from .helpers import answer_fields, fields_for
from .test_quiz import _quiz, _start_via_client

HEAD = "---\ntitle: Т\nmodule: law\n---\n"


def _bank(body: str):
    return parse_quiz("b.txt", "b", HEAD + body)


def _question(body: str):
    spec, errors = _bank(f"=== q-1\n{body}\nexplanation: П.\narticle: ст. 1\n")
    assert errors == []
    return spec.questions[0]


def test_option_weights_and_feedback_are_read_and_plain_banks_keep_their_data():
    q = _question("type: multiple\ntext: Что?\n+70% Председатель\n> Да,\n  главный.\n+30% Секретарь\n"
                  "-100% Наблюдатель\n- 50% бюллетеней")
    assert q.data["options"] == [
        {"text": "Председатель", "correct": True, "weight": 70.0, "feedback": "Да, главный."},
        {"text": "Секретарь", "correct": True, "weight": 30.0},
        {"text": "Наблюдатель", "correct": False, "weight": -100.0},
        {"text": "50% бюллетеней", "correct": False}]
    plain = _question("type: single\ntext: Кто?\n+ Комиссия\n- Аким")
    assert plain.data == {"text": "Кто?", "explanation": "П.", "article": "ст. 1", "items": [], "pairs": [],
                          "options": [{"text": "Комиссия", "correct": True}, {"text": "Аким", "correct": False}]}


@pytest.mark.parametrize("body,line,message", [
    ("type: single\ntext: Кто?\n> рано\n+ А\n- Б", 8, "отзыв «> …» пишется один раз, сразу под своим вариантом"),
    ("type: single\ntext: Кто?\n+ А\n> да\n> ещё\n- Б", 10, "отзыв «> …» пишется один раз"),
    ("type: multiple\ntext: Что?\n+150% А\n- Б", 5, "вес верного варианта больше 0 и не больше 100%"),
    ("type: multiple\ntext: Что?\n+50% А\n+ Б\n- В", 5, "укажите вес каждого верного варианта"),
    ("type: multiple\ntext: Что?\n+30% А\n+30% Б\n- В", 5, "сумма весов верных вариантов меньше 100%"),
    ("type: single\ntext: Кто?\n+50% А\n-50% Б", 5, "нужен ровно один вариант на 100% (+ или +100%)"),
    ("type: numeric\ntext: Сколько?\n+ двенадцать", 5, "ответ «двенадцать»: ожидается число, «9 ± 1» или «2..4»"),
    ("type: numeric\ntext: Сколько?\nanswer: 12\n+ 13", 5, "либо answer:, либо строки + число, не вместе"),
    ("type: numeric\ntext: Сколько?\n+50% 12", 5, "нужен хотя бы один ответ на 100% (+ …)"),
    ("type: numeric\ntext: Сколько?\n+ 12\ntolerance: 1", 9, "tolerance пишется вместе с answer:"),
    ("type: short\ntext: Кто?\n+ председатель\n-50% аким", 5, "штрафов (-N%) у этого типа нет"),
    ("type: short\ntext: Кто?\n+ Председатель\n+  председатель", 5, "указан дважды"),
    ("type: single\ntext: Кто?\n+ А\n- Б\nfeedback_true: да", 10, "«feedback_true» бывает только у вопроса truefalse"),
])
def test_bank_errors_name_their_line(body, line, message):
    _, errors = _bank(f"=== q-1\n{body}\nexplanation: П.\narticle: ст. 1\n")
    assert any(e.line == line and message in e.message for e in errors), [str(e) for e in errors]


def test_a_field_marked_to_fill_is_refused_where_it_stands():
    _, errors = _bank(f"=== q-1\ntype: truefalse\ntext: Тайное?\nanswer: верно\nexplanation: {TO_FILL}\n"
                      f"article: {TO_FILL}\n")
    why = f"(в файле GIFT его не было, импорт поставил «{TO_FILL}»)"
    assert [(type(e), e.line, e.message) for e in errors] == [
        (MissingValue, 9, f"вопрос q-1: заполните поле «explanation» {why}"),
        (MissingValue, 10, f"вопрос q-1: заполните поле «article» {why}")]


@pytest.mark.parametrize("body", [
    "type: single\ntext: Кто?\n+ А\n> СЕКРЕТ\n-50% Б", "type: short\ntext: Кто?\n+ СЕКРЕТ\n> СЕКРЕТ",
    "type: numeric\ntext: Сколько?\n+ 5\n> СЕКРЕТ\n+50% 9 ± 1",
    "type: truefalse\ntext: Т?\nanswer: верно\nfeedback_true: СЕКРЕТ"])
def test_the_page_never_gets_weights_accepted_answers_or_feedback(body):
    q = _question(body)
    snap = {**REGISTRY[q.type].snapshot(q.data, random.Random(1)), "type": q.type}
    view = public_view(snap)
    assert "СЕКРЕТ" not in str(view) and "0.5" not in str(view) and "± 1" not in str(view)
    assert set(view) <= {"type", "text", "choices"}


def _set(db, key, qtype=None, **data):
    question = db.session.scalar(select(Question).filter_by(key=key))
    question.data, question.type = {**question.data, **data}, qtype or question.type


def test_feedback_and_penalties_show_only_in_the_review_and_the_score_never_drops_below_zero(client, db, login_as):
    _set(db, "law-a", options=[{"text": "Наблюдатель сам", "correct": False, "weight": -100.0,
                                "feedback": "Нет: копию заверяет комиссия."},
                               {"text": "Комиссия по требованию наблюдателя", "correct": True, "feedback": "Верно."},
                               {"text": "Аким", "correct": False}])
    _set(db, "law-d", options=[{"text": "12", "correct": True, "feedback": "Точно: 12 часов."},
                               {"text": "11 ± 0.5", "correct": True, "weight": 50.0, "feedback": "Почти."}])
    _set(db, "law-f", "short", options=[
        {"text": "Председатель", "correct": True},
        {"text": "аким", "correct": False, "feedback": "Аким протокол не подписывает."}])
    _quiz(db).review = "always"
    db.session.commit()
    login_as("consultant")
    attempt_id, _ = _start_via_client(client)
    response = client.get(f"/attempts/{attempt_id}")
    page, post = response.get_data(as_text=True), {"csrf_token": csrf_from(response), "tab": tab_from(response)}
    assert "Нет: копию заверяет" not in page and "Точно: 12 часов" not in page and "-100" not in page
    assert "Председатель" not in page and "Ответ (слово или несколько слов)" in page
    attempt = db.session.get(Attempt, attempt_id)
    data = {**post}
    for aq in attempt.questions:
        snap = aq.snapshot
        if aq.snapshot["key"] == "law-a":
            penalty = next(c["id"] for c in snap["choices"] if c["text"] == "Наблюдатель сам")
            data.update(fields_for(aq.position, snap, [penalty]))
        elif aq.snapshot["key"] == "law-d":
            data.update(fields_for(aq.position, snap, 11.2))
        elif aq.snapshot["key"] == "law-f":
            data.update(fields_for(aq.position, snap, " Аким "))
        else:
            data.update(answer_fields(aq, right=False))
    client.post(f"/attempts/{attempt_id}/submit", data=data)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == 0.0  # -1 + 0.5 over six questions: never below zero
    assert sorted(aq.points for aq in attempt.questions) == [-1.0, 0.0, 0.0, 0.0, 0.0, 0.5]
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Нет: копию заверяет комиссия." in html and "Почти." in html and "Верно." not in html
    assert "Ваш ответ: Аким · верно: Председатель" in html and "Аким протокол не подписывает." in html
    assert re.search(r"<strong>Неверно</strong> \(-100%\)", html)
    assert "Баллы за варианты:" in html and "Частично засчитывается: 11 ± 0.5 — 50%" in html


@pytest.mark.parametrize("kind,data,expected", [
    ("single", {"options": [{"text": "да", "correct": True}, {"text": "нет", "correct": False, "feedback": "почему"}]},
     [("да", True), ("нет — почему", False)]),
    ("multiple", {"options": [{"text": "a", "correct": True, "weight": 70.0}, {"text": "b", "correct": False,
                                                                             "weight": -100.0}]},
     [("a (70%)", True), ("b (-100%)", False)]),
    ("truefalse", {"answer": False}, [("Ответ: неверно", True)]),
    ("order", {"items": ["первый", "второй"]}, [("1. первый", True), ("2. второй", True)]),
    ("match", {"pairs": [["12:00", "заявки"]]}, [("12:00 → заявки", True)]),
    ("numeric", {"answer": 12.0, "tolerance": 0.5}, [("Ответ: 12 ± 0.5", True)]),
    ("numeric", {"options": [{"text": "5", "correct": True}, {"text": "9 ± 1", "correct": True, "weight": 50.0}]},
     [("5", True), ("9 ± 1 (50%)", True)]),
    ("short", {"options": [{"text": "протокол", "correct": True}]}, [("протокол", True)]),
])
def test_each_type_shows_its_key_in_the_bank_preview(kind, data, expected):
    assert REGISTRY[kind].key_lines(data) == expected


def test_the_bank_preview_does_not_branch_on_the_type():
    template = (BASE_DIR / "templates" / "admin" / "quiz_bank.html").read_text()
    assert "q.type ==" not in template and "q.type in" not in template

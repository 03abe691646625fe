"""Moodle GIFT import/export: exact round trip of every bank, Moodle-style input, errors with lines."""

from pathlib import Path

import pytest

from school.services.gift import GiftError, from_gift, to_gift, to_quiz_text
from school.services.quizfile import QuestionSpec, QuizSpec, parse_quiz

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
GIFT = DATA / "gift"
BANKS = sorted(ROOT.glob("quizzes/*.txt")) + sorted((DATA / "quizzes").glob("*.txt"))


def _read(path: Path) -> QuizSpec:
    spec, errors = parse_quiz(str(path), path.stem, path.read_text(encoding="utf-8"))
    assert errors == []
    return spec


def _same(questions):
    return [(q.key, q.type, q.topic, q.data, q.content_hash) for q in questions]


def _roundtrip(spec: QuizSpec) -> list[QuestionSpec]:
    questions, errors = from_gift(to_gift(spec), "export.gift")
    assert [str(e) for e in errors] == []
    return questions


# --- round trip ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", BANKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_bank_survives_gift_round_trip(path):
    spec = _read(path)
    assert _same(_roundtrip(spec)) == _same(spec.questions)


@pytest.mark.parametrize("path", BANKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_imported_bank_is_written_back_in_our_format(path):
    spec = _read(path)
    again, errors = parse_quiz("again.txt", spec.slug, to_quiz_text(spec.settings, _roundtrip(spec)))
    assert errors == []
    assert again.settings == spec.settings
    assert _same(again.questions) == _same(spec.questions)


def test_shipped_banks_are_covered():
    names = {p.name for p in BANKS}
    assert {"election-law.txt", "nonstandard-situations.txt", "law.txt"} <= names
    types = {q.type for p in BANKS for q in _read(p).questions}
    assert types == {"single", "multiple", "truefalse", "order", "match", "numeric"}


def test_export_uses_titles_categories_feedback_and_moodle_weights():
    gift = to_gift(_read(DATA / "quizzes" / "law.txt"))
    for expected in ("$CATEGORY: law/rights\n", "$CATEGORY: law\n", "::law-a::Кто выдаёт",
                     "\t=Комиссия по требованию наблюдателя\n", "\t~Аким\n",
                     "####Копию заверяют председатель и секретарь. [[kind\\: scenario]] [[section\\: 01-part]] "
                     "[[article\\: ст. 43 п. 8]]",
                     "\t~%50%Присутствовать при подсчёте\n", "\t~%-50%Выдавать бюллетени\n",
                     "\tTRUE\n", "\t#12\n", "// observer-school: order\n::law-e::",
                     "\t=Погасить неиспользованные бюллетени -> 1\n", "\t=12\\:00 -> заявки"):
        assert expected in gift


@pytest.mark.parametrize("right,weight", [(1, "100"), (2, "50"), (3, "33.33333"), (4, "25"), (6, "16.66667")])
def test_multiple_weights_are_moodle_grades(right, weight):
    options = [{"text": f"верно {i}", "correct": True} for i in range(right)] + [{"text": "неверно", "correct": False}]
    gift = to_gift(_spec([_q("m-1", "multiple", options=options)]))
    assert f"~%{weight}%верно 0" in gift and f"~%-{weight}%неверно" in gift


def _q(key, qtype, topic="", **data):
    base = {"text": "Вопрос", "explanation": "Пояснение", "article": "ст. 1", "options": [], "items": [], "pairs": []}
    return QuestionSpec(key, 0, qtype, topic, {**base, **data})


def _spec(questions):
    return QuizSpec("bank", "bank.txt", {"title": "Банк", "module": "law"}, questions)


TRICKY = "Знаки \\ ~ = # { } : и «->», а также //"


def test_special_characters_and_edge_values_round_trip():
    questions = [
        _q("t-1", "single", "a/b", text="[html]" + TRICKY, explanation=TRICKY, article="ст. 5: п. 1 [[x]]",
           options=[{"text": TRICKY, "correct": True}, {"text": "[plain] нет", "correct": False}]),
        _q("t-2", "multiple", options=[{"text": "а", "correct": True}, {"text": "б", "correct": True}]),
        _q("t-3", "order", "a/b", items=["шаг -> 1", "шаг {2}", "шаг 3"]),
        _q("t-4", "match", pairs=[["10:00", "итог -> протокол"], ["#1", "~2"]]),
        _q("t-5", "numeric", answer=-2.5, tolerance=0.25),
        _q("t-6", "numeric", answer=1e6, tolerance=0.0),
        _q("t-7", "truefalse", answer=False),
    ]
    assert _same(_roundtrip(_spec(questions))) == _same(questions)


def test_kind_section_and_variant_travel_in_the_feedback():
    questions = [_q("v-1", "truefalse", answer=True, kind="recall", section="law/01-part"),
                 _q("v-2", "truefalse", answer=False, kind="scenario", section="02-part", variant_of="v-1",
                    explanation="Пояснение [[не метка]]")]
    gift = to_gift(_spec(questions))
    assert "[[kind\\: scenario]] [[section\\: 02-part]] [[variant_of\\: v-1]] [[article\\: ст. 1]]" in gift
    assert _same(_roundtrip(_spec(questions))) == _same(questions)
    text = to_quiz_text({"title": "Банк", "module": "law"}, questions)
    assert "kind: scenario\nsection: 02-part\nvariant_of: v-1\n" in text


def test_plain_moodle_question_has_no_metadata():
    questions, errors = from_gift("::q1:: Верно? {T ####Да. [[article: ст. 1]]}\n")
    assert errors == [] and not {"kind", "section", "variant_of"} & questions[0].data.keys()


def test_unknown_type_cannot_be_exported():
    with pytest.raises(GiftError, match="нельзя выгрузить"):
        to_gift(_spec([_q("x-1", "essay")]))


# --- Moodle input --------------------------------------------------------------------------

def _moodle():
    questions, errors = from_gift((GIFT / "moodle.gift").read_text(encoding="utf-8"), "moodle.gift")
    assert [str(e) for e in errors] == []
    return {q.key: q for q in questions}


def test_moodle_sample_reads_every_supported_type():
    questions = _moodle()
    assert [(k, q.type, q.topic, q.line) for k, q in questions.items()] == [
        ("kto-napravlyaet-nablyudatelya", "single", "observers", 7), ("obs-rights", "multiple", "observers", 15),
        ("obs-photo", "truefalse", "observers", 23), ("obs-removal", "truefalse", "observers", 25),
        ("count-hours", "numeric", "count", 29), ("count-range", "numeric", "count", 31),
        ("count-multi", "numeric", "count", 33), ("count-start", "single", "count", 40),
        ("deadlines-match", "match", "deadlines", 44), ("deadlines-order", "order", "deadlines", 51),
        ("znaki", "single", "deadlines", 58)]


def test_moodle_html_prefix_is_stripped_and_per_answer_feedback_kept():
    q = _moodle()["kto-napravlyaet-nablyudatelya"]
    assert q.data["text"] == "Кто вправе направить наблюдателя на участок?"
    assert q.data["options"] == [
        {"text": "Партия, общественное объединение или НКО", "correct": True, "feedback": "Верно."},
        {"text": "Любой гражданин сам", "correct": False, "feedback": "Нет: нужна направившая организация."},
        {"text": "Аким района", "correct": False, "feedback": "Нет."}]
    assert q.data["explanation"] == "Наблюдателей направляют партии, объединения и НКО."
    assert q.data["article"] == "ст. 20-1 п. 1"


def test_moodle_weights_truefalse_and_numeric_forms():
    q = _moodle()
    assert [(o["correct"], o["weight"]) for o in q["obs-rights"].data["options"]] == [
        (True, 50.0), (True, 50.0), (False, -100.0)]
    assert q["obs-photo"].data["answer"] is False and q["obs-removal"].data["answer"] is True
    assert "tolerance" not in q["obs-photo"].data
    assert (q["count-hours"].data["answer"], q["count-hours"].data["tolerance"]) == (12.0, 0.0)
    assert (q["count-range"].data["answer"], q["count-range"].data["tolerance"]) == (3.0, 1.0)
    assert q["count-multi"].data["options"] == [{"text": "10", "correct": True, "feedback": "Точно."},
                                                {"text": "9 ± 1", "correct": True, "weight": 50.0,
                                                 "feedback": "Почти."}]


def test_moodle_missing_word_match_order_and_escapes():
    q = _moodle()
    assert q["count-start"].data["text"] == "Подсчёт голосов начинается _____ и идёт без перерыва."
    assert q["deadlines-match"].data["pairs"] == [["12:00 в день голосования", "заявки на голосование вне помещения"],
                                                  ["10 дней", "обжалование решения комиссии"]]
    assert q["deadlines-order"].data["items"] == ["Погасить неиспользованные бюллетени", "Вскрыть переносные урны",
                                                  "Вскрыть стационарные урны"]
    assert q["znaki"].data["text"] == "Что значит запись «{#3} = 1 ~ 2» в строке протокола?"
    assert q["znaki"].data["options"][0]["text"] == "Условная запись из примера: C:\\data"


def test_moodle_sample_becomes_a_valid_bank():
    questions = list(_moodle().values())
    spec, errors = parse_quiz("imported.txt", "imported", to_quiz_text({"title": "Импорт", "module": "law"}, questions))
    assert errors == []
    assert _same(spec.questions) == _same(questions)
    assert spec.settings["pass_mark"] == 80 and spec.settings["shuffle"] is True


@pytest.mark.parametrize("category,topic", [
    ("$course$/top/Default for Course", ""), ("$course$/top/Default for Course/observers", "observers"),
    ("$course$/Default/a/b", "a/b"), ("bank", ""), ("bank/rights", "rights")])
def test_category_gives_topic(category, topic):
    questions, _ = from_gift(f"$CATEGORY: {category}\n\n::q-1::Вопрос{{T####П. [[article: ст. 1]]}}\n")
    assert questions[0].topic == topic


def test_untitled_questions_and_other_titles_get_ids_from_their_text():
    text = "Первый{T####П. [[article: ст. 1]]}\n\n::Мой вопрос::Второй{F####П. [[article: ст. 1]]}\n\n::???::Т{T}\n"
    questions, errors = from_gift(text)
    assert errors == [] and [q.key for q in questions] == ["pervyy", "moy-vopros", "gift-a03b221c"]


# --- errors --------------------------------------------------------------------------------

def test_errors_name_the_line_where_the_question_starts():
    questions, errors = from_gift((GIFT / "broken.gift").read_text(encoding="utf-8"), "broken.gift")
    assert [(e.path, e.line) for e in errors][:1] == [("broken.gift", 3)]
    got = [(e.line, e.message) for e in errors]
    assert got == [
        (3, "вопрос 1: эссе ({}) не поддерживается: его ответ не проверить автоматически"),
        (7, "вопрос 3: не закрыта фигурная скобка { (или вопрос разорван пустой строкой)"),
        (14, "вопрос 6: нет блока ответов { … }; описания без ответов не импортируются"),
        (16, "вопрос 7: вопрос с одним ответом: ответов на 100 % должно быть ровно один, а их 2"),
        (18, "идентификатор no-article уже был в строке 10: названия вопросов (или тексты вопросов без названия) "
             "должны различаться"),
        (21, "вопрос 9: вопрос на порядок: справа должны стоять номера 1…2"),
        (23, "вопрос 10: числовой ответ: ожидается число, а не «двенадцать»"),
    ]
    assert {q.key for q in questions} == {"short", "no-article", "no-feedback"}


@pytest.mark.parametrize("text,message", [
    ("::a::Текст{=да ~нет", "не закрыта фигурная скобка {"),
    ("::a::Текст{=да ~нет}{=ещё ~блок}", "лишняя фигурная скобка"),
    ("::a::Текст{ да ~нет}", "ответы должны начинаться с = или ~"),
    ("::a::Текст{=да ~#отзыв}", "пустой вариант ответа"),
    ("::a::Текст{=левая = -> правая}", "пара пишется так"),
    ("::a::Текст{#=%50%1}", "нет ответа на 100 %"),
    ("::a Текст{T}", "название ::…:: не закрыто"),
])
def test_malformed_questions_are_reported(text, message):
    questions, errors = from_gift("// пример\n\n" + text + "\n")
    assert questions == [] and len(errors) == 1
    assert errors[0].line == 3 and message in errors[0].message


def test_missing_title_and_module_are_left_to_parse_quiz():
    text = to_quiz_text({}, [_q("a-1", "truefalse", answer=True)])
    _, errors = parse_quiz("x.txt", "x", text)
    assert [e.message for e in errors] == ["нет обязательного поля «module»", "нет обязательного поля «title»"]

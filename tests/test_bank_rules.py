"""Bank rules checked by `content check`: kind and section per question, enough to retake, scenarios, no tells.

Each rule has a failing fixture under tests/data/rules/ that breaks only it; good.txt passes them all
with the center's thresholds except the bank size (5 questions, 2 per topic, instead of 100 and 5).
"""

from pathlib import Path

import pytest

from school.services.bank_rules import BankRules, bank_errors, question_errors
from school.services.content import read_content
from school.services.quizfile import QuestionSpec, parse_quiz
from school.services.tells import ARTICLE_RE, similar_questions, stem, tell_words

RULES = Path(__file__).parent / "data" / "rules"
DATA = Path(__file__).parent / "data"
SMALL = BankRules(min_questions=5, min_per_topic=2)
SECTIONS = {"law/01-part", "law/02-part", "law/03-part"}


def _bank(name):
    path = RULES / name
    spec, errors = parse_quiz(str(path), path.stem, path.read_text(encoding="utf-8"))
    return spec, [str(e).split(f"{name}:", 1)[1] for e in errors]


def _errors(name, rules=SMALL):
    spec, _ = _bank(name)
    return [str(e).split(f"{name}:", 1)[1] for e in bank_errors(spec, rules) + question_errors(spec, SECTIONS)]


def test_good_bank_meets_every_rule():
    assert _bank("good.txt")[1] == []
    assert _errors("good.txt") == []


def test_kind_and_section_are_required_and_checked():
    _, parse_errors = _bank("meta.txt")
    assert parse_errors == ["23: вопрос g-2: kind — scenario или recall, а не «story»",
                            "57: вопрос g-5: variant_of — ключ другого вопроса этого банка"]
    errors = _errors("meta.txt")
    assert "10: вопрос g-1: нет поля «kind» (scenario или recall)" in errors
    assert "33: вопрос g-3: нет поля «section» (раздел, где это учат)" in errors
    assert "44: вопрос g-4: раздел «09-missing» не найден" in errors


def test_a_section_of_another_module_is_written_with_its_module():
    spec, _ = _bank("good.txt")
    spec.questions[0].data["section"] = "situations/01-case"
    assert question_errors(spec, SECTIONS | {"situations/01-case"}) == []
    assert "раздел «situations/01-case» не найден" in str(question_errors(spec, SECTIONS)[0])


def test_enough_questions_to_retake():
    assert _errors("short.txt") == [
        "1: вопросов в банке: 3, нужно не меньше 5, чтобы на пересдачу хватало новых вопросов",
        "6: тема rights: вопросов 1, нужно не меньше 2",
        "1: не задано questions_per_topic: сколько вопросов брать из каждой темы, чтобы в каждую попытку "
        "попала каждая тема"]


def test_at_least_half_are_scenarios():
    assert _errors("recall.txt") == ["1: ситуационных вопросов (kind: scenario) 1 из 5, нужно не меньше 50 %"]


def test_keyed_option_longest_too_often():
    assert _errors("longest.txt") == [
        "1: верный вариант длиннее всех остальных в 2 из 4 (50 %) вопросов с одним ответом; допустимо не больше "
        "40 %. Вопросы: g-1, g-2"]


def test_a_word_that_marks_the_keyed_option():
    assert _errors("words.txt") == [
        "1: слово «письменно» есть в 4 из 4 (100 %) верных вариантов, а в неверных — в 2 из 8 (25 %): это подсказка; "
        "пишите его и в неверных вариантах или уберите из верных. Вопросы: g-1, g-2, g-3, g-4"]


def test_article_numbers_only_in_keyed_options():
    assert _errors("articles.txt") == [
        "1: номер статьи или пункта есть в 2 из 4 (50 %) верных вариантов, а в неверных — в 0 из 8 (0 %): "
        "ссылайтесь на статьи в неверных вариантах не реже. Вопросы: g-1, g-3"]


def test_near_identical_questions_unless_declared_variants():
    assert _errors("similar.txt") == [
        "46: вопросы g-3 и g-4 почти одинаковы (сходство текста 0.92, порог 0.8); если это намеренный вариант, "
        "напишите у g-4 variant_of: g-3"]


def _single(key, keyed, *wrong, text=None, **meta):
    options = [{"text": keyed, "correct": True}] + [{"text": w, "correct": False} for w in wrong]
    return QuestionSpec(key, 1, "single", "", {"text": text or key, "options": options, **meta})


def test_two_variants_of_one_question_are_not_reported_as_similar():
    text = "Председатель устно просит вас уйти с участка. Что делаете?"
    questions = [_single("a", "x", "y", text=text), _single("b", "x", "y", text=text, variant_of="a"),
                 _single("c", "x", "y", text=text, variant_of="b"), _single("d", "x", "y", text=text)]
    pairs = [f.keys for f in similar_questions(questions, 0.8)]
    assert pairs == [["a", "d"], ["b", "d"], ["c", "d"]]


def test_word_rule_needs_more_than_twice_the_rate_and_counts_words_by_stem():
    # «комиссия» in 1 of 5 keyed options (20 %) and in 1 of 10 wrong ones (10 %): exactly twice, allowed.
    questions = [_single("q1", "Решает комиссия", "Решает аким", "Решает полиция")]
    questions += [_single(f"q{i}", f"Вариант {i}", "Вариант другой", "Вариант иной") for i in range(2, 6)]
    questions[1].data["options"][1]["text"] = "Решение комиссии"
    assert stem("комиссия") == stem("комиссии") == stem("Комиссию")
    assert tell_words(questions, 0.1, 2.0) == []
    questions[1].data["options"][1]["text"] = "Решение акима"
    assert [f.keys for f in tell_words(questions, 0.1, 2.0)] == [["q1"]]


@pytest.mark.parametrize("text,cites", [("ст. 20-1", True), ("по п. 3", True), ("пп. 12", True),
                                        ("статья 43", True), ("пункт 2", True), ("12 часов", False),
                                        ("пост 3", False), ("Прошу копию", False)])
def test_article_numbers_are_recognised(text, cites):
    assert bool(ARTICLE_RE.search(text)) is cites


def test_thresholds_come_from_config():
    assert BankRules.from_config({}) == BankRules()
    assert BankRules().min_questions == 100 and BankRules().min_per_topic == 5
    assert BankRules.from_config({"CONTENT_RULES": {"min_questions": 7}}).min_questions == 7


def test_a_bank_breaking_the_rules_loads_nothing():
    bundle = read_content(str(DATA / "courses"), str(DATA / "quizzes"), BankRules())
    assert {q.slug for q in bundle.quizzes} == set()
    assert any(str(e).endswith("law.txt:1: вопросов в банке: 6, нужно не меньше 100, чтобы на пересдачу хватало "
                               "новых вопросов") for e in bundle.errors)
    relaxed = read_content(str(DATA / "courses"), str(DATA / "quizzes"), BankRules(min_questions=1, min_per_topic=1,
                                                                                   per_topic_sampling=False,
                                                                                   tells=False))
    assert relaxed.errors == [] and {q.slug for q in relaxed.quizzes} == {"law", "situations"}


def test_content_check_applies_the_configured_rules(app, runner):
    saved = app.config["CONTENT_RULES"]
    app.config["CONTENT_RULES"] = {}
    try:
        result = runner.invoke(args=["content", "check"])
    finally:
        app.config["CONTENT_RULES"] = saved
    assert result.exit_code == 1
    assert "law.txt:1: вопросов в банке: 6, нужно не меньше 100" in result.output
    assert "situations.txt:1: не задано questions_per_topic" in result.output

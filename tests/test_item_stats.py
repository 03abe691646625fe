"""Item analysis: six finished attempts of the sample law bank with known answers, figures worked by hand.

Answers per attempt (law-a: bank option picked, 1 is the key; law-c: true/false, the key is «верно»;
law-d: the number, 12 is right); law-b, law-e and law-f are left unanswered (0 points).

    attempt  law-a  law-c  law-d  total of 6
    1        1 ✓    F ✗    12 ✓   2
    2        1 ✓    F ✗    12 ✓   2
    3        1 ✓    T ✓    12 ✓   3
    4        0 ✗    T ✓    0 ✗    1
    5        0 ✗    T ✓    0 ✗    1
    6        1 ✓    T ✓    0 ✗    2

Discrimination is the correlation of a question's points with the rest of its attempt (total minus
the question, over 5 questions; the scale does not change a correlation):
* law-a: x = 1 1 1 0 0 1, rest = 1 1 2 1 1 1: Sxy = 1/3, Sxx = 4/3, Syy = 5/6, r = 1/√10 ≈ 0.316;
* law-c: x = 0 0 1 1 1 1, rest = 2 2 2 0 0 1: Sxy = −5/3, Sxx = 4/3, Syy = 29/6, r = −5/√58 ≈ −0.657;
* law-d: x = 1 1 1 0 0 0, rest = 1 1 2 1 1 2: Sxy = 0, r = 0.
"""

import csv
import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from school.models import Question, Quiz
from school.services import answering
from school.services.attempts import start_attempt
from school.services.item_stats import bank_stats

from .helpers import fields_for

ANSWERS = [(1, False, 12), (1, False, 12), (1, True, 12), (0, True, 0), (0, True, 0), (1, True, 0)]


def _choice(snapshot, src):
    return [next(c["id"] for c in snapshot["choices"] if c["src"] == src)]


def _take(db, user, quiz, a_pick, c_true, d_number):
    attempt = start_attempt(db.session, user.id, quiz)
    by_key = {aq.snapshot["key"]: aq for aq in attempt.questions}
    answers = {"law-a": _choice(by_key["law-a"].snapshot, a_pick),
               "law-c": _choice(by_key["law-c"].snapshot, "true" if c_true else "false"),
               "law-d": float(d_number)}
    form = MultiDict()
    for key, answer in answers.items():
        aq = by_key[key]
        for name, values in fields_for(aq.position, aq.snapshot, answer).items():
            form.setlist(name, values)
    answering.submit_attempt(db.session, attempt, form)
    return attempt


@pytest.fixture
def quiz(db):
    return db.session.scalar(select(Quiz).filter_by(slug="law"))


@pytest.fixture
def six_attempts(db, make, quiz):
    return [_take(db, make.user(), quiz, *answers) for answers in ANSWERS]


def _items(db, quiz):
    return {i.question.key: i for i in bank_stats(db.session, quiz).items}


def test_figures_per_question(db, quiz, six_attempts):
    assert [round(a.score, 1) for a in six_attempts] == [33.3, 33.3, 50.0, 16.7, 16.7, 33.3]
    stats = bank_stats(db.session, quiz)
    items = {i.question.key: i for i in stats.items}
    assert stats.attempts == 6 and [i.question.key for i in stats.items] == [f"law-{c}" for c in "abcdef"]
    a, c, d = items["law-a"], items["law-c"], items["law-d"]
    assert (a.attempts, a.correct, round(a.share_correct, 3)) == (6, 4, 0.667)
    assert a.discrimination == pytest.approx(1 / 10 ** 0.5)
    assert [(o.text, o.correct, o.chosen) for o in a.options] == [
        ("Наблюдатель сам", False, 2), ("Комиссия по требованию наблюдателя", True, 4), ("Аким", False, 0)]
    assert c.discrimination == pytest.approx(-5 / 58 ** 0.5)
    assert [(o.text, o.chosen) for o in c.options] == [("Верно", 4), ("Неверно", 2)]
    assert d.discrimination == pytest.approx(0.0) and d.share_correct == 0.5 and d.options == []
    b = items["law-b"]
    assert b.share_correct == 0 and b.mean_points == 0 and b.discrimination is None


def test_flags(db, quiz, six_attempts):
    items = _items(db, quiz)
    assert items["law-a"].flags == []  # nobody picked «Аким», but only 2 answered wrong
    assert items["law-c"].flags == ["отрицательная различающая способность: сильные ошибаются чаще слабых"]
    assert items["law-d"].flags == []
    assert items["law-b"].flags == ["слишком трудный: верно меньше 20%",
                                    "вариант «Присутствовать при подсчёте» никто не выбирает",
                                    "вариант «Получить копию протокола» никто не выбирает",
                                    "вариант «Выдавать бюллетени» никто не выбирает"]


def test_an_option_nobody_picks_among_five_wrong_answers(db, make, quiz):
    for _ in range(5):
        _take(db, make.user(), quiz, 0, True, 12)
    assert _items(db, quiz)["law-a"].flags == ["слишком трудный: верно меньше 20%",
                                               "вариант «Комиссия по требованию наблюдателя» никто не выбирает",
                                               "вариант «Аким» никто не выбирает"]


def test_too_easy_and_no_flags_below_five_attempts(db, make, quiz):
    for _ in range(4):
        _take(db, make.user(), quiz, 1, True, 12)
    assert _items(db, quiz)["law-a"].flags == []
    _take(db, make.user(), quiz, 1, True, 12)
    assert _items(db, quiz)["law-a"].flags[0] == "слишком лёгкий: верно больше 95%"


def test_an_edited_question_starts_afresh(db, quiz, six_attempts):
    question = db.session.scalar(select(Question).filter_by(key="law-a"))
    question.version += 1
    db.session.commit()
    a = _items(db, quiz)["law-a"]
    assert (a.attempts, a.earlier, a.share_correct, [o.chosen for o in a.options]) == (0, 6, None, [0, 0, 0])


def test_open_attempts_do_not_count(db, make, quiz, six_attempts):
    start_attempt(db.session, make.user().id, quiz)
    assert bank_stats(db.session, quiz).attempts == 6


def test_a_fixed_number_of_queries(db, make, quiz, count_queries):
    _take(db, make.user(), quiz, 1, True, 12)
    with count_queries() as one:
        bank_stats(db.session, quiz)
    for answers in ANSWERS:
        _take(db, make.user(), quiz, *answers)
    db.session.expire_all()
    with count_queries() as seven:
        bank_stats(db.session, quiz)
    assert one.count == seven.count <= 3


def test_admin_page_and_csv(client, db, login_as, quiz, six_attempts):
    login_as("admin")
    html = client.get("/admin/quizzes/law/stats").get_data(as_text=True)
    assert "Завершённых попыток: <strong>6</strong>" in html
    assert "-0.66" in html and "0.32" in html and "отрицательная различающая способность" in html
    assert 'href="/admin/quizzes/law/stats"' in client.get("/admin/content").get_data(as_text=True)
    bank = client.get("/admin/content/quizzes/law").get_data(as_text=True)
    assert 'href="/admin/quizzes/law/stats"' in bank and "rights · scenario · раздел 01-part · версия 1" in bank
    response = client.get("/admin/quizzes/law/stats.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:8] == ["Ключ", "Тип", "Тема", "Вопрос", "Попыток", "Верно, %", "Средний балл",
                           "Различающая способность"]
    assert rows[1][:8] == ["law-a", "single", "rights", "Кто выдаёт заверенную копию протокола?", "6", "67", "0.67",
                           "0.32"]
    assert rows[1][8] == "Наблюдатель сам: 2; ✓ Комиссия по требованию наблюдателя: 4; Аким: 0"
    assert client.get("/admin/quizzes/nope/stats").status_code == 404


def test_cli_stats_text_and_csv(runner, quiz, six_attempts, tmp_path):
    text = runner.invoke(args=["quizzes", "stats", "law"])
    assert text.exit_code == 0, text.output
    assert "Тест по праву: завершённых попыток 6" in text.output
    assert "law-c · Наблюдателя удаляют" in text.output
    assert "попыток 6, верно 67 %, средний балл 0.67, различающая способность -0.66" in text.output
    out = tmp_path / "law.csv"
    result = runner.invoke(args=["quizzes", "stats", "law", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "law-a;single;rights" in out.read_text(encoding="utf-8-sig")
    missing = runner.invoke(args=["quizzes", "stats", "nope"])
    assert missing.exit_code == 1 and "нет теста nope" in missing.output


def test_demo_attempts_fill_the_page_once(db, quiz):
    from school.services.demo import seed_demo
    from school.services.demo_attempts import simulate_attempts
    seed_demo(db.session)
    assert simulate_attempts(db.session) == 2 * 60  # both sample quizzes, 6 consultants of 10 teams
    assert simulate_attempts(db.session) == 0
    stats = bank_stats(db.session, quiz)
    assert stats.attempts == 60
    shares = {i.question.key: i.share_correct for i in stats.items}
    assert all(0 < share < 1 for share in shares.values()), shares  # neither all right nor all wrong
    assert any(i.discrimination and i.discrimination > 0.2 for i in stats.items)

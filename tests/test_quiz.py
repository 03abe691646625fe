"""Quiz attempts: server-side grading, bad input refused without changes, exactly-once submit."""

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import MultiDict

from school.models import Attempt, AttemptQuestion, Question, Quiz
from school.services import answering
from school.services import attempts as svc
from school.services.question_types import REGISTRY

from .conftest import csrf_from, tab_from
from .helpers import answer_fields, attempt_form

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _quiz(db, slug="law"):
    return db.session.scalar(select(Quiz).filter_by(slug=slug))


def _form(d):
    return MultiDict([(k, x) for k, v in d.items() for x in (v if isinstance(v, list) else [v])])


# --- grading, per question type ----------------------------------------------------------

SNAP_MULTI = {"correct": ["c0", "c1"], "choices": [{"id": f"c{i}"} for i in range(4)]}


@pytest.mark.parametrize("answer,points", [
    (["c0", "c1"], 1.0), (["c0"], 0.5), (["c0", "c2"], 0.0), (["c0", "c1", "c2"], 0.5), (["c2", "c3"], 0.0)])
def test_multiple_choice_partial_credit(answer, points):
    assert REGISTRY["multiple"].grade(SNAP_MULTI, answer) == points


def test_match_gives_credit_per_pair_and_order_only_when_all_right():
    match = {"correct": {"l0": "c0", "l1": "c1", "l2": "c2", "l3": "c3"}}
    assert REGISTRY["match"].grade(match, {"l0": "c0", "l1": "c1", "l2": "c3", "l3": "c2"}) == 0.5
    order = {"correct": ["c0", "c1", "c2"]}
    assert REGISTRY["order"].grade(order, ["c0", "c1", "c2"]) == 1.0
    assert REGISTRY["order"].grade(order, ["c0", "c2", "c1"]) == 0.0


def test_numeric_accepts_comma_and_tolerance():
    snap = {"correct": 12.0, "tolerance": 0.5}
    numeric = REGISTRY["numeric"]
    assert numeric.grade(snap, numeric.parse(snap, ["12,4"], {})) == 1.0
    assert numeric.grade(snap, numeric.parse(snap, ["13"], {})) == 0.0


# --- attempts ---------------------------------------------------------------------------

def test_all_right_scores_100_and_all_wrong_fails(db, make):
    user = make.user()
    attempt = svc.start_attempt(db.session, user.id, _quiz(db))
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))
    assert attempt.score == 100 and attempt.passed
    other = make.user()
    attempt = svc.start_attempt(db.session, other.id, _quiz(db))
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id, right=False)))
    assert attempt.score == 0 and not attempt.passed


def test_pass_mark_is_per_quiz(db, make):
    user = make.user()
    quiz = _quiz(db, "situations")  # pass mark 50, two questions
    attempt = svc.start_attempt(db.session, user.id, quiz)
    first, second = attempt.questions
    form = {**answer_fields(first), **answer_fields(second, right=False)}
    answering.submit_attempt(db.session, attempt, _form(form))
    assert attempt.score == 50 and attempt.passed


def test_correct_answers_and_explanations_never_reach_the_page_before_submit(client, db, login_as):
    login_as("consultant")
    token = csrf_from(client.get("/quizzes/law"))
    location = client.post("/quizzes/law/start", data={"csrf_token": token}).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    attempt = db.session.scalar(select(Attempt))
    assert "correct" not in html
    for aq in attempt.questions:
        assert aq.snapshot["explanation"] not in html
        assert aq.snapshot["text"] in html
    assert 'value="c0"' not in html and 'value="c1"' not in html  # option ids are opaque and random


def _start_via_client(client):
    """Start an attempt and open its page: (attempt id, {csrf_token, tab}) for the posts that follow."""
    token = csrf_from(client.get("/quizzes/law"))
    location = client.post("/quizzes/law/start", data={"csrf_token": token}).headers["Location"]
    attempt_id = int(re.search(r"(\d+)$", location).group(1))
    page = client.get(location)
    return attempt_id, {"csrf_token": csrf_from(page), "tab": tab_from(page)}


def _unchanged(db, attempt_id):
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    return attempt.is_open and all(q.answer is None for q in attempt.questions)


@pytest.mark.parametrize("mutate,message", [
    (lambda f: f.update(q1=["zz"]), "такого варианта нет"),
    (lambda f: f.update({"q1": ["a", "b"]}), "выберите один вариант"),
])
def test_a_bad_answer_at_submit_is_listed_and_the_rest_is_kept(client, db, login_as, mutate, message):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    form = {**attempt_form(attempt_id), **post}
    mutate(form)
    response = client.post(f"/attempts/{attempt_id}/submit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Завершить тест?" in html and message in html
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.is_open
    assert [q.position for q in attempt.questions if q.answer is None] == [1]


def test_fields_of_questions_not_in_the_attempt_are_ignored(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    form = {**attempt_form(attempt_id), **post, "q99": "c0", "qx-c0": "1"}
    assert client.post(f"/attempts/{attempt_id}/submit", data=form).status_code == 302
    assert db.session.get(Attempt, attempt_id).score == 100


def test_forged_score_fields_are_ignored(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    form = {**attempt_form(attempt_id, right=False), **post}
    form.update(score="100", passed="1", correct="1")
    client.post(f"/attempts/{attempt_id}/submit", data=form)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == 0 and attempt.passed is False


def test_second_submit_is_refused_and_grades_once(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    right = {**attempt_form(attempt_id), **post}
    assert client.post(f"/attempts/{attempt_id}/submit", data=right).status_code == 302
    wrong = {**attempt_form(attempt_id, right=False), **post}
    replay = client.post(f"/attempts/{attempt_id}/submit", data=wrong, follow_redirects=True)
    assert "Эта попытка уже завершена." in replay.get_data(as_text=True)
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.score == 100 and attempt.status == "submitted"


def test_finalise_is_guarded_in_the_database(db, make):
    """Even a stale in-memory attempt cannot be graded twice: the UPDATE ... WHERE status='open' decides."""
    user = make.user()
    attempt = svc.start_attempt(db.session, user.id, _quiz(db))
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))
    set_committed_value(attempt, "status", "open")  # a stale copy, as another worker might hold
    with pytest.raises(svc.QuizRuleError):
        svc.finalise(db.session, attempt, T0)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score == 100


def test_starting_twice_gives_the_same_attempt(db, make):
    user = make.user()
    first = svc.start_attempt(db.session, user.id, _quiz(db))
    second = svc.start_attempt(db.session, user.id, _quiz(db))
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_database_refuses_a_second_open_attempt(db, make):
    user = make.user()
    quiz = _quiz(db)
    svc.start_attempt(db.session, user.id, quiz)
    db.session.add(Attempt(user_id=user.id, quiz_id=quiz.id, number=2, started_at=T0))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_autosave_keeps_answers_and_resume_shows_them(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    attempt = db.session.get(Attempt, attempt_id)
    first = attempt.questions[0]
    data = {**answer_fields(first), **post}
    response = client.post(f"/attempts/{attempt_id}/save", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["saved"] == [1] and response.json["answered"] == 1
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    chosen = first.snapshot["correct"][0]
    assert re.search(rf'name="q1" value="{chosen}" checked', html)


def test_time_limit_is_enforced_on_the_server(db, make):
    user = make.user()
    quiz = _quiz(db)
    quiz.time_limit_min = 30
    db.session.commit()
    attempt = svc.start_attempt(db.session, user.id, quiz, now=T0)
    assert attempt.deadline == T0 + timedelta(minutes=30)
    first = _form(answer_fields(attempt.questions[0]))
    answering.save_answers(db.session, attempt, first, now=T0 + timedelta(minutes=5))
    with pytest.raises(svc.QuizRuleError, match="Время вышло: засчитаны сохранённые ответы"):
        answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)), now=T0 + timedelta(minutes=31))
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.status == "submitted" and attempt.submitted_at == T0 + timedelta(minutes=31) and attempt.timed_out
    assert attempt.score == round(100 / len(attempt.questions), 1)  # only the answer saved in time counts


def test_close_overdue_grades_abandoned_attempts(db, make, runner):
    quiz = _quiz(db)
    quiz.time_limit_min = 1
    db.session.commit()
    user = make.user()
    svc.start_attempt(db.session, user.id, quiz, now=datetime.now(UTC) - timedelta(minutes=5))
    result = runner.invoke(args=["attempts", "close-overdue"])
    assert "Завершено попыток: 1" in result.output
    assert db.session.scalar(select(Attempt)).status == "submitted"


def test_max_attempts_and_cooldown(db, make):
    user = make.user()
    quiz = _quiz(db)
    quiz.max_attempts, quiz.cooldown_min = 2, 30
    db.session.commit()
    first = svc.start_attempt(db.session, user.id, quiz, now=T0)
    answering.submit_attempt(db.session, first, _form(attempt_form(first.id, right=False)), now=T0)
    with pytest.raises(svc.QuizRuleError, match="через 30 мин"):
        svc.start_attempt(db.session, user.id, quiz, now=T0 + timedelta(minutes=1))
    second = svc.start_attempt(db.session, user.id, quiz, now=T0 + timedelta(minutes=31))
    wrong = _form(attempt_form(second.id, right=False))
    answering.submit_attempt(db.session, second, wrong, now=T0 + timedelta(minutes=31))
    with pytest.raises(svc.QuizRuleError, match="Все попытки использованы"):
        svc.start_attempt(db.session, user.id, quiz, now=T0 + timedelta(days=1))


def test_passed_quiz_cannot_be_restarted(db, make):
    user = make.user()
    attempt = svc.start_attempt(db.session, user.id, _quiz(db))
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))
    with pytest.raises(svc.QuizRuleError, match="Тест уже сдан"):
        svc.start_attempt(db.session, user.id, _quiz(db))


def test_draw_takes_n_of_the_bank_and_shuffles(db, make):
    quiz = _quiz(db)
    quiz.questions_per_attempt, quiz.shuffle = 3, True
    db.session.commit()
    attempt = svc.start_attempt(db.session, make.user().id, quiz, rng=random.Random(7))
    assert len(attempt.questions) == 3
    assert len({q.question_id for q in attempt.questions}) == 3


def test_an_edited_question_does_not_change_a_past_attempt(db, make):
    user = make.user()
    attempt = svc.start_attempt(db.session, user.id, _quiz(db))
    answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id)))
    question = db.session.scalar(select(Question).filter_by(key="law-a"))
    question.data = {**question.data, "text": "Совсем другой текст"}
    question.version += 1
    db.session.commit()
    shown = db.session.scalar(select(AttemptQuestion).filter_by(attempt_id=attempt.id, question_id=question.id))
    assert shown.snapshot["text"] == "Кто выдаёт заверенную копию протокола?" and shown.snapshot["version"] == 1
    assert attempt.score == 100


def test_result_page_shows_score_and_explanations(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    client.post(f"/attempts/{attempt_id}/submit", data={**attempt_form(attempt_id), **post})
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "100%" in html and "тест сдан" in html
    assert "Копию заверяют председатель и секретарь." in html and "ст. 43 п. 8" in html


KEY_TEXT = "Верный ответ: Комиссия по требованию наблюдателя"
EXPLANATION = "Копию заверяют председатель и секретарь."


@pytest.mark.parametrize("review,right,shows_key", [
    ("after_pass", True, True), ("after_pass", False, False),
    ("never", True, False), ("never", False, False),
    ("always", True, True), ("always", False, True)])
def test_review_mode_decides_when_the_key_is_shown(client, db, login_as, review, right, shows_key):
    _quiz(db).review = review
    db.session.commit()
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    client.post(f"/attempts/{attempt_id}/submit", data={**attempt_form(attempt_id, right=right), **post})
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert ("тест сдан" if right else "тест не сдан") in html
    assert (KEY_TEXT in html) is shows_key
    assert (EXPLANATION in html) is shows_key
    assert "Результат по темам" in html


def test_draw_per_topic_takes_n_from_each_topic(db, make):
    quiz = _quiz(db)
    keys = {"law-a": "rights", "law-b": "rights", "law-c": "removal", "law-d": "count", "law-e": "count"}
    for q in db.session.scalars(select(Question).filter_by(quiz_id=quiz.id)):
        q.topic = keys.get(q.key, "")
    quiz.questions_per_topic, quiz.shuffle = 1, True
    db.session.commit()
    attempt = svc.start_attempt(db.session, make.user().id, quiz, rng=random.Random(3))
    topics = sorted(db.session.get(Question, aq.question_id).topic for aq in attempt.questions)
    assert topics == ["", "count", "removal", "rights"]


def test_a_beacon_save_after_submit_gets_json_not_a_flash(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    client.post(f"/attempts/{attempt_id}/submit", data={**attempt_form(attempt_id), **post})
    late = client.post(f"/attempts/{attempt_id}/save", data={"q1": "c0", **post, "_beacon": "1"})
    assert late.status_code == 409 and late.json["error"] == "Эта попытка уже завершена."
    assert "уже завершена" not in client.get("/dashboard").get_data(as_text=True)


def test_numeric_answers_show_without_trailing_zero(client, db, login_as):
    login_as("consultant")
    attempt_id, post = _start_via_client(client)
    client.post(f"/attempts/{attempt_id}/submit", data={**attempt_form(attempt_id), **post})
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "Ваш ответ: 12 · верный: 12</p>" in html

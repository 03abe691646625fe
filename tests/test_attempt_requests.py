"""Attempts used up: the coordinator asks for one more, the center grants or refuses, everyone sees the state."""

import pytest
from sqlalchemy import func, select, update

from school.models import AttemptGrant, AttemptRequest, AuditEntry, Quiz
from school.services import attempt_requests as requests
from school.services.attempts import QuizRuleError

from .conftest import PASSWORD, csrf_from
from .test_readiness import take

USED_UP = "Все попытки использованы. Координатор может запросить для вас ещё одну попытку."


def signed_in(app, user):
    """A separate test client logged in as `user`, so several roles can act in one test."""
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    return client


def post(client, url, **data):
    """POST a form with the CSRF token of the page the user would post it from."""
    token = csrf_from(client.get("/account/password"))
    return client.post(url, data={"csrf_token": token, **data})


def html(response) -> str:
    return response.get_data(as_text=True)


def count(db, model, **where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def law(db):
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    quiz.max_attempts = 1
    db.session.commit()
    return quiz


@pytest.fixture
def people(app, db, make, law):
    """A team whose consultant failed the law quiz's only attempt; clients for each role."""
    team = make.team(name="Бригада Абая")
    coordinator = make.user("coordinator", team=team, name="Координатор Бригады")
    consultant = make.user(team=team, station=make.station(team), name="Оспанов Марат")
    admin = make.user("admin", name="Центр Админ")
    take(db, consultant, "law", right=False)
    return {"team": team, "consultant": consultant, "coordinator": coordinator, "admin": admin,
            "as_coordinator": signed_in(app, coordinator), "as_admin": signed_in(app, admin),
            "as_consultant": signed_in(app, consultant)}


def ask(p, law, reason="Обрыв связи во время теста"):
    return post(p["as_coordinator"], f"/consultants/{p['consultant'].id}/attempt-request",
                quiz_id=law.id, reason=reason)


def test_request_grant_and_a_new_attempt(db, law, people):
    p, cid = people, people["consultant"].id
    page = html(p["as_coordinator"].get(f"/consultants/{cid}"))
    assert "попытки исчерпаны" in page and "Запросить ещё одну попытку" in page
    assert "Разрешить ещё одну попытку" not in page  # COORDINATORS_GRANT_ATTEMPTS is off by default
    assert "тест «Тест по праву»: попытки исчерпаны" in html(p["as_coordinator"].get(f"/teams/{p['team'].id}"))
    assert USED_UP in html(p["as_consultant"].get("/quizzes/law"))

    no_reason = ask(p, law, reason="")
    assert no_reason.status_code == 400 and "Укажите причину." in html(no_reason)
    assert ask(p, law).status_code == 302
    assert actions(db) == ["attempt.request"]
    assert "запрос отправлен" in html(p["as_coordinator"].get(f"/consultants/{cid}"))
    team_page = html(p["as_coordinator"].get(f"/teams/{p['team'].id}"))
    assert "тест «Тест по праву»: попытки исчерпаны, запрос отправлен" in team_page
    assert "попытки исчерпаны, запрос отправлен" in html(p["as_coordinator"].get(
        f"/teams/{p['team'].id}/readiness.csv"))
    overview = html(p["as_consultant"].get("/quizzes/law"))
    assert USED_UP in overview and "Запрос отправлен" in overview

    queue = html(p["as_admin"].get("/admin/attempt-requests"))
    shown = ("Оспанов Марат", "Бригада Абая", "Тест по праву", "Координатор Бригады", "Обрыв связи во время теста")
    assert all(text in queue for text in shown)
    assert "ждут решения: <strong>1</strong>" in html(p["as_admin"].get("/admin/"))
    req = db.session.scalar(select(AttemptRequest))
    assert post(p["as_admin"], f"/admin/attempt-requests/{req.id}/grant").status_code == 302
    db.session.expire_all()
    assert req.status == "granted" and req.decided_by_id == p["admin"].id
    assert count(db, AttemptGrant, user_id=cid, quiz_id=law.id) == 1
    assert actions(db) == ["attempt.request", "attempt.grant"]
    assert "Запросов, ждущих решения, нет." in html(p["as_admin"].get("/admin/attempt-requests"))

    assert "разрешена ещё одна попытка" in html(p["as_coordinator"].get(f"/consultants/{cid}"))
    overview = html(p["as_consultant"].get("/quizzes/law"))
    assert "разрешена ещё одна попытка" in overview and USED_UP not in overview
    started = post(p["as_consultant"], "/quizzes/law/start")
    assert started.status_code == 302 and "/attempts/" in started.headers["Location"]
    assert "разрешена ещё одна попытка" not in html(p["as_coordinator"].get(f"/consultants/{cid}"))


def test_refuse_needs_a_note_and_the_note_is_shown(db, law, people):
    p, cid = people, people["consultant"].id
    ask(p, law)
    req = db.session.scalar(select(AttemptRequest))
    empty = post(p["as_admin"], f"/admin/attempt-requests/{req.id}/refuse", note=" ")
    assert empty.status_code == 400 and "Укажите причину отказа." in html(empty)
    refused = post(p["as_admin"], f"/admin/attempt-requests/{req.id}/refuse", note="Уже три пересдачи")
    assert refused.status_code == 302
    db.session.expire_all()
    assert req.status == "refused" and req.decision_note == "Уже три пересдачи"
    assert count(db, AttemptGrant) == 0
    entry = db.session.scalar(select(AuditEntry).filter_by(action="attempt.refuse"))
    assert entry.details == {"quiz": "law", "note": "Уже три пересдачи"} and entry.target_user_id == cid
    overview = html(p["as_consultant"].get("/quizzes/law"))
    assert USED_UP in overview and "Запрос отклонён</strong>: Уже три пересдачи" in overview
    assert "запрос отклонён: Уже три пересдачи" in html(p["as_coordinator"].get(f"/consultants/{cid}"))
    # A decided request cannot be decided again; the coordinator may ask once more.
    again = post(p["as_admin"], f"/admin/attempt-requests/{req.id}/grant")
    assert again.status_code == 409 and "уже рассмотрен" in html(again)
    assert count(db, AttemptGrant) == 0
    assert ask(p, law, reason="Новые обстоятельства").status_code == 302
    assert count(db, AttemptRequest, status="pending") == 1


def test_a_second_pending_request_is_refused(db, law, people):
    assert ask(people, law).status_code == 302
    second = ask(people, law, reason="Ещё раз")
    assert second.status_code == 400 and requests.ALREADY_PENDING in html(second)
    assert count(db, AttemptRequest) == 1 and actions(db) == ["attempt.request"]


def test_the_unique_index_refuses_a_racing_duplicate(db, law, people, monkeypatch):
    p = people
    requests.request_extra(db.session, p["consultant"], law, p["coordinator"], "первый")
    db.session.commit()
    # Another coordinator's request committed between our check and our insert.
    monkeypatch.setattr(requests, "standing", lambda *a: requests.Standing(law, 1, 1, False))
    with pytest.raises(QuizRuleError, match="уже отправлен"):
        requests.request_extra(db.session, p["consultant"], law, p["coordinator"], "второй")
    db.session.commit()  # the savepoint rolled back; the transaction is still usable
    assert count(db, AttemptRequest) == 1 and actions(db) == ["attempt.request"]


def test_no_request_while_attempts_are_left(db, make, law, people):
    law.max_attempts = 3
    db.session.commit()
    refused = ask(people, law)
    assert refused.status_code == 400 and requests.NOT_USED_UP in html(refused)
    assert count(db, AttemptRequest) == 0 and actions(db) == []
    assert "Запросить ещё одну попытку" not in html(people["as_coordinator"].get(
        f"/consultants/{people['consultant'].id}"))


def test_another_teams_coordinator_gets_404(app, db, make, law, people):
    stranger = signed_in(app, make.user("coordinator", team=make.team()))
    cid = people["consultant"].id
    assert stranger.get(f"/consultants/{cid}").status_code == 404
    assert post(stranger, f"/consultants/{cid}/attempt-request", quiz_id=law.id, reason="x").status_code == 404
    assert count(db, AttemptRequest) == 0


def test_coordinators_grant_directly_only_when_configured(app, db, law, people, monkeypatch):
    p, cid = people, people["consultant"].id
    off = post(p["as_coordinator"], f"/consultants/{cid}/grant", quiz_id=law.id, reason="Обрыв связи")
    assert off.status_code == 404 and count(db, AttemptGrant) == 0
    monkeypatch.setitem(app.config, "COORDINATORS_GRANT_ATTEMPTS", True)
    page = html(p["as_coordinator"].get(f"/consultants/{cid}"))
    assert "Разрешить ещё одну попытку" in page and "Запросить ещё одну попытку" not in page
    assert post(p["as_coordinator"], f"/consultants/{cid}/grant", quiz_id=law.id,
                reason="Обрыв связи").status_code == 302
    grant = db.session.scalar(select(AttemptGrant))
    assert grant.granted_by_id == p["coordinator"].id and grant.reason == "Обрыв связи"
    assert actions(db) == ["attempt.grant"]
    # The granted attempt is not used yet, so attempts are not used up: no second grant.
    twice = post(p["as_coordinator"], f"/consultants/{cid}/grant", quiz_id=law.id, reason="Ещё")
    assert twice.status_code == 400 and requests.NOT_USED_UP in html(twice)
    assert "разрешена ещё одна попытка" in html(p["as_consultant"].get("/quizzes/law"))
    assert post(p["as_consultant"], "/quizzes/law/start").status_code == 302


def test_a_direct_grant_answers_the_pending_request(db, law, people):
    p = people
    ask(p, law)
    page = p["as_admin"].get(f"/consultants/{p['consultant'].id}")
    assert "запрос отправлен" in html(page)
    post(p["as_admin"], f"/consultants/{p['consultant'].id}/grant", quiz_id=law.id, reason="Сбой сервера")
    req = db.session.scalar(select(AttemptRequest))
    assert req.status == "granted" and req.decided_by_id == p["admin"].id
    assert post(p["as_admin"], f"/admin/attempt-requests/{req.id}/grant").status_code == 409
    assert count(db, AttemptGrant) == 1


def test_audit_entry_shares_the_transaction(db, law, people):
    p = people
    requests.request_extra(db.session, p["consultant"], law, p["coordinator"], "Обрыв связи")
    db.session.rollback()
    assert count(db, AttemptRequest) == 0 and actions(db) == []
    req = requests.request_extra(db.session, p["consultant"], law, p["coordinator"], "Обрыв связи")
    db.session.commit()
    requests.decide(db.session, req, p["admin"], grant=False, note="Нет")
    db.session.rollback()
    assert db.session.get(AttemptRequest, req.id).status == "pending" and actions(db) == ["attempt.request"]


def test_a_decision_racing_another_admin_is_refused(db, law, people):
    p = people
    req = requests.request_extra(db.session, p["consultant"], law, p["coordinator"], "Обрыв связи")
    db.session.commit()
    assert req.status == "pending"
    # Another admin refused it a moment ago; our copy of the row still says pending.
    db.session.execute(update(AttemptRequest).values(status="refused").execution_options(synchronize_session=False))
    with pytest.raises(requests.AlreadyDecided):
        requests.decide(db.session, req, p["admin"], grant=True)
    assert count(db, AttemptGrant) == 0


def test_pending_list_takes_a_fixed_number_of_queries(db, make, law, count_queries):
    coordinator = make.user("coordinator", team=make.team())
    counts = []
    for size in (1, 6):
        while count(db, AttemptRequest) < size:
            consultant = make.user(team=make.team())
            take(db, consultant, "law", right=False)
            requests.request_extra(db.session, consultant, law, coordinator, "Обрыв связи")
            db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            rows = requests.pending(db.session)
            [(r.consultant.team.name, r.requested_by.full_name, r.quiz.title) for r in rows]
        counts.append(counter.count)
    assert counts[0] == counts[1], counts

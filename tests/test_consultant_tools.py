"""Consultant page, sign-off, extra attempts, invitations and the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from school.models import AuditEntry, Invitation, Quiz, Signoff
from school.services import answering, invitations, signoff
from school.services import attempts as svc
from school.services.accounts import AccountError, authenticate

from .conftest import csrf_from
from .helpers import attempt_form


def _qualify(db, user):
    for slug in ("law", "situations"):
        quiz = db.session.scalar(select(Quiz).filter_by(slug=slug))
        attempt = svc.start_attempt(db.session, user.id, quiz)
        form = MultiDict([(k, x) for k, v in attempt_form(attempt.id).items()
                          for x in (v if isinstance(v, list) else [v])])
        answering.submit_attempt(db.session, attempt, form)


@pytest.fixture
def team_setup(db, make):
    team = make.team()
    coordinator = make.user("coordinator", team=team, name="Координатор Бригады")
    consultant = make.user(team=team, station=make.station(team), name="Оспанов Марат")
    return team, coordinator, consultant


def test_consultant_page_shows_progress_and_attempts(client, db, login_as, team_setup):
    team, coordinator, consultant = team_setup
    _qualify(db, consultant)
    login_as(coordinator)
    html = client.get(f"/consultants/{consultant.id}").get_data(as_text=True)
    assert "Оспанов Марат" in html and "Тест по праву" in html and "100%" in html
    assert "Подтвердить готовность" in html


def test_consultant_page_is_confined_to_the_team(client, db, login_as, make, team_setup):
    _, _, consultant = team_setup
    other_team = make.team()
    login_as("coordinator", team=other_team)
    assert client.get(f"/consultants/{consultant.id}").status_code == 404
    coordinator_of_other = make.user("consultant", team=other_team)
    assert client.get(f"/consultants/{coordinator_of_other.id}").status_code == 200


def test_signoff_only_for_qualified_and_withdraw_needs_reason(client, db, login_as, team_setup):
    _, coordinator, consultant = team_setup
    login_as(coordinator)
    page = client.get(f"/consultants/{consultant.id}")
    refused = client.post(f"/consultants/{consultant.id}/signoff", data={"csrf_token": csrf_from(page)})
    assert refused.status_code == 409 and "только квалифицированного" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Signoff)) is None
    _qualify(db, consultant)
    ok = client.post(f"/consultants/{consultant.id}/signoff", data={"csrf_token": csrf_from(page)})
    assert ok.status_code == 302
    html = client.get(f"/teams/{consultant.team_id}").get_data(as_text=True)
    assert "Координатор Бригады" in html  # who confirmed, on the readiness list
    empty = client.post(f"/consultants/{consultant.id}/signoff/withdraw", data={"csrf_token": csrf_from(page)})
    assert empty.status_code == 400 and "Укажите причину отзыва." in empty.get_data(as_text=True)
    client.post(f"/consultants/{consultant.id}/signoff/withdraw",
                data={"csrf_token": csrf_from(page), "reason": "Заболел"})
    db.session.expire_all()
    row = db.session.scalar(select(Signoff))
    assert not row.active and row.withdraw_reason == "Заболел"
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["signoff.confirm", "signoff.withdraw"]


def test_signoff_service_refuses_double_confirm(db, team_setup):
    _, coordinator, consultant = team_setup
    _qualify(db, consultant)
    signoff.confirm(db.session, consultant, coordinator)
    with pytest.raises(signoff.SignoffError):
        signoff.confirm(db.session, consultant, coordinator)


def test_admin_grants_an_extra_attempt_with_a_logged_reason(client, db, login_as, team_setup):
    _, _, consultant = team_setup
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    quiz.max_attempts = 1
    db.session.commit()
    attempt = svc.start_attempt(db.session, consultant.id, quiz)
    wrong = attempt_form(attempt.id, right=False).items()
    answering.submit_attempt(db.session, attempt, MultiDict([(k, x) for k, v in wrong
                                                             for x in (v if isinstance(v, list) else [v])]))
    with pytest.raises(svc.QuizRuleError):
        svc.start_attempt(db.session, consultant.id, quiz)
    login_as("admin")
    page = client.get(f"/consultants/{consultant.id}")
    no_reason = client.post(f"/consultants/{consultant.id}/grant", data={"csrf_token": csrf_from(page),
                                                                         "quiz_id": quiz.id, "reason": ""})
    assert no_reason.status_code == 400
    client.post(f"/consultants/{consultant.id}/grant", data={"csrf_token": csrf_from(page), "quiz_id": quiz.id,
                                                             "reason": "Обрыв связи"})
    assert svc.start_attempt(db.session, consultant.id, quiz).number == 2
    entry = db.session.scalar(select(AuditEntry).filter_by(action="attempt.grant"))
    assert entry.details == {"quiz": "law", "reason": "Обрыв связи"} and entry.target_user_id == consultant.id
    assert "Обрыв связи" in client.get("/admin/audit").get_data(as_text=True)


def test_coordinator_cannot_grant_attempts(client, login_as, team_setup):
    _, coordinator, consultant = team_setup
    login_as(coordinator)
    page = client.get(f"/consultants/{consultant.id}")
    response = client.post(f"/consultants/{consultant.id}/grant", data={"csrf_token": csrf_from(page),
                                                                         "quiz_id": 1, "reason": "x"})
    assert response.status_code == 404


def test_invitation_link_sets_the_password_once(app, client, db, login_as, make):
    admin = login_as("admin")
    page = client.get("/admin/users/new")
    data = {"login": "invited", "full_name": "Приглашённая Жанна", "role": "admin", "team_id": 0,
            "polling_station_id": 0, "password": "", "active": "y", "csrf_token": csrf_from(page)}
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalar(select(type(admin)).filter_by(login="invited"))
    assert user.password_hash == ""
    html = client.post(f"/admin/users/{user.id}/link", data={"csrf_token": csrf_from(page)}).get_data(as_text=True)
    link = html.split('id="link" class="wide" readonly value="')[1].split('"')[0]
    path = link.split("localhost", 1)[1]
    assert "Приглашённая Жанна" in client.get("/admin/invitations").get_data(as_text=True)
    guest = app.test_client()
    form = guest.get(path)
    assert form.status_code == 200 and "invited" in form.get_data(as_text=True)
    weak = guest.post(path, data={"new": "123", "repeat": "123", "csrf_token": csrf_from(form)})
    assert weak.status_code == 400
    new = "my-own-long-password"
    assert guest.post(path, data={"new": new, "repeat": new, "csrf_token": csrf_from(form)}).status_code == 302
    assert authenticate(db.session, "invited", new) is not None
    assert guest.get(path).status_code == 404  # used once
    assert "Все приглашения приняты" in client.get("/admin/invitations").get_data(as_text=True)


def test_invitation_expires_and_a_new_link_voids_the_old(db, make):
    user = make.user()
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    old = invitations.create(db.session, user, "reset", None, now=t0)
    new = invitations.create(db.session, user, "reset", None, now=t0 + timedelta(minutes=1))
    db.session.commit()
    assert invitations.find_valid(db.session, old, now=t0 + timedelta(minutes=2)) is None
    assert invitations.find_valid(db.session, new, now=t0 + timedelta(minutes=2)) is not None
    assert invitations.find_valid(db.session, new, now=t0 + timedelta(days=2)) is None
    with pytest.raises(AccountError):
        invitations.redeem(db.session, new, "another-long-password", now=t0 + timedelta(days=2))
    assert all(len(i.token_hash) == 64 and new not in i.token_hash for i in db.session.scalars(select(Invitation)))

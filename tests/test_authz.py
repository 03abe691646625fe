"""Every protected route × every role: allowed, 404 for the wrong role, login for anonymous."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from school.extensions import db as _db
from school.models import AttemptRequest, Booking, Contact, Quiz
from school.services.attempts import start_attempt

from .conftest import csrf_from
from .seminar_helpers import seminar as seminar_of

# (method, url template, roles allowed)
ROUTES = [
    ("GET", "/dashboard", {"consultant"}),
    ("GET", "/modules/law", {"consultant", "coordinator", "admin", "trainer"}),
    ("GET", "/modules/law/01-part", {"consultant", "coordinator", "admin", "trainer"}),
    ("POST", "/modules/law/01-part/done", {"consultant"}),
    ("GET", "/memos", {"consultant", "coordinator", "admin", "trainer"}),
    ("GET", "/memos/01-carry", {"consultant", "coordinator", "admin", "trainer"}),
    ("GET", "/quizzes/law", {"consultant"}),
    ("POST", "/quizzes/law/start", {"consultant"}),
    ("GET", "/team", {"coordinator"}),
    ("GET", "/teams/{team}", {"coordinator", "admin"}),
    ("GET", "/teams/{team}/readiness.csv", {"coordinator", "admin"}),
    ("GET", "/teams/{team}/readiness.xlsx", {"coordinator", "admin"}),
    ("GET", "/teams/{team}/coverage", {"coordinator", "admin"}),
    ("GET", "/teams/{team}/print", {"coordinator", "admin"}),
    ("GET", "/consultants/{consultant}", {"coordinator", "admin"}),
    ("POST", "/consultants/{consultant}/signoff", {"coordinator", "admin"}),
    ("POST", "/consultants/{consultant}/signoff/withdraw", {"coordinator", "admin"}),
    ("POST", "/consultants/{consultant}/grant", {"admin"}),
    ("POST", "/consultants/{consultant}/attempt-request", {"coordinator"}),
    ("GET", "/admin/attempt-requests", {"admin"}),
    ("POST", "/admin/attempt-requests/{attempt_request}/refuse", {"admin"}),
    ("POST", "/admin/attempt-requests/{attempt_request}/grant", {"admin"}),
    ("POST", "/admin/users/{consultant}/link", {"admin"}),
    ("GET", "/admin/invitations", {"admin"}),
    ("GET", "/admin/audit", {"admin"}),
    ("GET", "/admin/import", {"admin"}),
    ("GET", "/admin/content", {"admin"}),
    ("GET", "/admin/content/quizzes/law", {"admin"}),
    ("GET", "/admin/quizzes/law/stats", {"admin"}),
    ("GET", "/admin/quizzes/law/stats.csv", {"admin"}),
    ("GET", "/admin/contacts", {"admin"}),
    ("GET", "/admin/contacts/new", {"admin"}),
    ("GET", "/admin/contacts/{contact}", {"admin"}),
    ("POST", "/admin/contacts/{contact}/delete", {"admin"}),
    ("POST", "/admin/import/confirm", {"admin"}),
    ("GET", "/admin/people-without-password", {"admin"}),
    ("POST", "/admin/people-without-password/links.csv", {"admin"}),
    ("GET", "/admin/", {"admin"}),
    ("GET", "/admin/users", {"admin"}),
    ("GET", "/admin/users/new", {"admin"}),
    ("GET", "/admin/stations", {"admin"}),
    ("GET", "/admin/stations/new", {"admin"}),
    ("GET", "/admin/teams/new", {"admin"}),
    ("GET", "/admin/districts/new", {"admin"}),
    ("GET", "/account/password", {"consultant", "coordinator", "admin", "trainer"}),
    # Seminars (issue 16): a trainer opens only their own sessions (the fixture's session is the trainer's).
    ("GET", "/seminars", {"consultant"}),
    ("POST", "/seminars/{seminar}/signup", {"consultant"}),
    ("GET", "/teams/{team}/seminars", {"coordinator", "admin"}),
    ("POST", "/teams/{team}/seminars/signup", {"coordinator", "admin"}),
    ("GET", "/trainer", {"trainer"}),
    ("GET", "/trainer/sessions/{seminar}", {"trainer", "admin"}),
    ("GET", "/trainer/sessions/{seminar}/live.json", {"trainer", "admin"}),
    ("GET", "/trainer/sessions/{seminar}/sheet", {"trainer", "admin"}),
    ("GET", "/trainer/sessions/{seminar}/enter", {"trainer", "admin"}),
    ("POST", "/trainer/sessions/{seminar}/enter", {"trainer", "admin"}),
    ("POST", "/trainer/sessions/{seminar}/bookings/{booking}/mark", {"trainer", "admin"}),
    ("POST", "/trainer/sessions/{seminar}/bookings/{booking}/undo", {"trainer", "admin"}),
    ("GET", "/admin/seminars", {"admin"}),
    ("GET", "/admin/seminars/new", {"admin"}),
    ("GET", "/admin/seminars/{seminar}/edit", {"admin"}),
    ("GET", "/admin/seminars/missing.csv", {"admin"}),
    ("GET", "/admin/seminars/rules", {"admin"}),
    ("POST", "/admin/seminars/rules", {"admin"}),
    ("POST", "/admin/seminars/rules/confirm", {"admin"}),
]


@pytest.fixture
def team(make):
    return make.team()


@pytest.fixture
def consultant(make, team):
    return make.user("consultant", team=team, name="Консультант Бригады")


@pytest.fixture
def attempt_request(db, consultant):
    """A pending request for an extra attempt, so the admin's decision routes have something to decide."""
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    req = AttemptRequest(user_id=consultant.id, quiz_id=quiz.id, reason="Обрыв связи")
    db.session.add(req)
    db.session.commit()
    return req


@pytest.fixture
def trainer(make):
    return make.user("trainer")


@pytest.fixture
def seminar(db, make, trainer, consultant):
    """The trainer's session, started an hour ago, with the fixture consultant's seat."""
    s = seminar_of(db, make, trainer=trainer, starts_in=timedelta(hours=-1))
    db.session.add(Booking(session_id=s.id, user_id=consultant.id, module_id=s.module_id, status="booked"))
    s.booked = 1
    db.session.commit()
    return s


@pytest.fixture
def contact(db):
    row = Contact(kind="hotline", name="Горячая линия центра", phone="+7 727 300 00 00")
    db.session.add(row)
    db.session.commit()
    return row


def _request(client, method, url):
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/account/password"))
    return client.post(url, data={"csrf_token": token})


def _url(url, team, consultant, attempt_request, contact, seminar):
    return url.format(team=team.id, consultant=consultant.id, attempt_request=attempt_request.id, contact=contact.id,
                      seminar=seminar.id, booking=_booking_id(seminar))


def _booking_id(seminar):
    return _db.session.scalar(select(Booking.id).filter_by(session_id=seminar.id))


@pytest.mark.parametrize("role", ["consultant", "coordinator", "admin", "trainer"])
@pytest.mark.parametrize("method,url,allowed", ROUTES)
def test_role_access(client, login_as, team, consultant, attempt_request, contact, trainer, seminar, role, method, url,
                     allowed):
    if role == "trainer":
        login_as(trainer)
    else:
        login_as(role, team=team if role != "admin" else None)
    response = _request(client, method, _url(url, team, consultant, attempt_request, contact, seminar))
    if role in allowed:
        # 400/409: allowed in, but the empty form or an unqualified consultant is refused with a message
        assert response.status_code in (200, 302, 400, 409), response.status_code
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("method,url,allowed", ROUTES)
def test_anonymous_is_sent_to_login(client, team, consultant, attempt_request, contact, seminar, method, url,
                                    allowed):
    url = _url(url, team, consultant, attempt_request, contact, seminar)
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "GET":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code in (302, 400)  # no CSRF token: refused before anything else


def test_coordinator_cannot_open_another_team(client, login_as, make):
    own, other = make.team(), make.team()
    login_as("coordinator", team=own)
    assert client.get(f"/teams/{own.id}").status_code == 200
    assert client.get(f"/teams/{other.id}").status_code == 404
    assert client.get(f"/teams/{other.id}/readiness.csv").status_code == 404
    assert client.get("/teams/999999").status_code == 404


@pytest.mark.parametrize("suffix,method", [("", "GET"), ("/save", "POST"), ("/submit", "POST")])
def test_another_consultants_attempt_is_404(client, db, login_as, make, suffix, method):
    owner = make.user()
    quiz = db.session.scalar(select(Quiz).filter_by(slug="law"))
    attempt = start_attempt(db.session, owner.id, quiz)
    login_as("consultant")
    response = _request(client, method, f"/attempts/{attempt.id}{suffix}")
    assert response.status_code == 404
    assert client.get("/attempts/999999").status_code == 404



# Voting day (issue 14). POST /api/reports is not here: it takes a device token, never a session
# (tests/test_voting_day.py); GET /sw.js is public.
EVERYONE = {"consultant", "coordinator", "admin", "trainer"}
DESK = {"coordinator", "admin"}
VOTING_ROUTES = [
    ("GET", "/playbook", EVERYONE),
    ("GET", "/playbook/02-case", EVERYONE),
    ("GET", "/playbook/templates", EVERYONE),
    ("GET", "/playbook/contacts", EVERYONE),
    ("GET", "/offline", EVERYONE),
    ("GET", "/offline/manifest.json", EVERYONE),
    ("GET", "/offline/csrf", EVERYONE),
    ("GET", "/report", EVERYONE),
    ("GET", "/day", {"consultant"}),
    ("POST", "/day/checkins/{checkin}/arrived", {"consultant"}),
    ("POST", "/day/device-token", {"consultant"}),
    ("POST", "/day/device-token/revoke", {"consultant"}),
    ("GET", "/incidents/{incident}/photo", DESK),
    ("GET", "/desk", DESK),
    ("GET", "/desk/rows", DESK),
    ("GET", "/desk/incidents/{incident}", DESK),
    ("POST", "/desk/incidents/{incident}/take", DESK),
    ("POST", "/desk/incidents/{incident}/release", DESK),
    ("POST", "/desk/incidents/{incident}/status", DESK),
    ("POST", "/desk/incidents/{incident}/verdict", DESK),
    ("POST", "/desk/incidents/{incident}/comment", DESK),
    ("GET", "/desk/report", DESK),
    ("GET", "/desk/stations", DESK),
    ("POST", "/desk/checkins/{checkin}/stage", DESK),
    ("POST", "/desk/checkins/{checkin}/no-contact", DESK),
    ("POST", "/desk/consultants/{teammate}/revoke-tokens", DESK),
    ("GET", "/desk/stations/{station}/report", DESK),
    ("GET", "/desk/incidents.csv", DESK),
    ("GET", "/desk/center", {"admin"}),
    ("GET", "/desk/days", {"admin"}),
    ("POST", "/desk/days/{day}/sync", {"admin"}),
]


@pytest.fixture
def voting(app, db, make, tmp_path, monkeypatch):
    """A team with a station, a teammate consultant who checked in and reported with a photo, today's day."""
    from .voting_helpers import jpeg_with_location, make_day, report, token_for
    monkeypatch.setitem(app.config, "INCIDENT_PHOTO_DIR", str(tmp_path))
    team = make.team()
    station = make.station(team)
    teammate = make.user("consultant", team=team, station=station)
    day = make_day(db)
    token = token_for(db, day, teammate)
    incident = report(app.test_client(), token, station.id, photo=jpeg_with_location((40, 30))).get_json()["id"]
    return {"team": team, "station": station.id, "teammate": teammate.id, "day": day.id, "incident": incident}


def _voting_ids(db, voting, user):
    """The check-in in the URL: the user's own when they are a consultant, else the teammate's."""
    from school.models import CheckIn, VotingDay
    from school.services import voting_day
    if user.role == "consultant":
        voting_day.sync_checkins(db.session, db.session.get(VotingDay, voting["day"]))
        db.session.commit()
    owner = user.id if user.role == "consultant" else voting["teammate"]
    checkin = db.session.scalar(select(CheckIn.id).filter_by(consultant_id=owner))
    return {**voting, "checkin": checkin}


@pytest.mark.parametrize("role", ["consultant", "coordinator", "admin", "trainer"])
@pytest.mark.parametrize("method,url,allowed", VOTING_ROUTES)
def test_voting_day_role_access(client, db, login_as, voting, role, method, url, allowed):
    from school.models import PollingStation
    station = db.session.get(PollingStation, voting["station"])
    user = login_as(role, team=voting["team"] if role != "admin" else None,
                    station=station if role == "consultant" else None)
    response = _request(client, method, url.format(**_voting_ids(db, voting, user)))
    if role in allowed:
        assert response.status_code in (200, 302, 400, 409), (response.status_code, url)
    else:
        assert response.status_code == 404, url
    response.close()


@pytest.mark.parametrize("method,url,allowed", VOTING_ROUTES)
def test_voting_day_anonymous_is_sent_to_login(client, voting, method, url, allowed):
    url = url.format(checkin=1, **voting)
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "GET":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code in (302, 400)


# The tally (issue 17): a consultant opens only their own station's protocols, a coordinator their team's, the
# center everything; settling and checking relations is the desk's, verdicts, quarantine, corrections, the
# tally itself, the official figures and the election's setup are the center's.
ENTRY = {"consultant", "coordinator", "admin"}
STATION = "/tally/stations/{station}/contests/{contest}"
TALLY_ROUTES = [
    ("GET", "/tally", ENTRY),
    ("GET", STATION, ENTRY),
    ("POST", STATION + "/photos", ENTRY),
    ("GET", STATION + "/enter/1", ENTRY),
    ("POST", STATION + "/enter/2", ENTRY),
    ("POST", "/tally/contests/{contest}/check", ENTRY),
    ("GET", "/tally/photos/{photo}", ENTRY),
    ("POST", "/tally/copies/{copy}/settle", DESK),
    ("POST", "/tally/copies/{copy}/verify", DESK),
    ("GET", "/tally/stations/{station}/card", DESK),
    ("GET", "/tally/protocols.csv", DESK),
    ("POST", "/tally/copies/{copy}/verdict", {"admin"}),
    ("POST", "/tally/copies/{copy}/quarantine", {"admin"}),
    ("GET", "/tally/copies/{copy}/correct", {"admin"}),
    ("GET", "/tally/center", {"admin"}),
    ("GET", "/tally/official", {"admin"}),
    ("GET", "/tally/official/differences.csv", {"admin"}),
    ("GET", "/tally/elections", {"admin"}),
    ("GET", "/tally/elections/{election}", {"admin"}),
    ("POST", "/tally/elections/{election}/contests", {"admin"}),
    ("GET", "/tally/contests/{contest}/setup", {"admin"}),
    ("POST", "/tally/contests/{contest}/lines", {"admin"}),
    ("POST", "/tally/lines/{line}", {"admin"}),
    ("POST", "/tally/lines/{line}/delete", {"admin"}),
    ("POST", "/tally/contests/{contest}/relations", {"admin"}),
    ("POST", "/tally/relations/{relation}", {"admin"}),
]


@pytest.fixture
def tally(app, db, make, tmp_path, monkeypatch):
    """The example election, a team with a station, and that station's protocol with one stored photo."""
    from school.models import ProtocolPhoto
    from school.services import example_election, incident_photos, protocol_copies, voting_day

    from .tally_helpers import protocol_jpeg
    monkeypatch.setitem(app.config, "PROTOCOL_PHOTO_DIR", str(tmp_path))
    election = example_election.create(db.session, None, voting_day.today())
    team = make.team()
    station = make.station(team)
    contest = election.contests[0]
    copy = protocol_copies.locked(db.session, station, contest)
    stored = incident_photos.store(str(tmp_path), protocol_jpeg())
    photo = ProtocolPhoto(copy_id=copy.id, page=1, **vars(stored))
    db.session.add(photo)
    db.session.commit()
    return {"team": team, "station_row": station, "station": station.id, "contest": contest.id, "copy": copy.id,
            "photo": photo.id, "election": election.id, "line": contest.lines[-1].id,
            "relation": contest.relations[-1].id}


@pytest.mark.parametrize("role", ["consultant", "coordinator", "admin", "trainer"])
@pytest.mark.parametrize("method,url,allowed", TALLY_ROUTES)
def test_tally_role_access(client, login_as, tally, role, method, url, allowed):
    login_as(role, team=tally["team"] if role != "admin" else None,
             station=tally["station_row"] if role == "consultant" else None)
    response = _request(client, method, url.format(**tally))
    if role in allowed:
        assert response.status_code in (200, 302, 400, 409), (response.status_code, url)
    else:
        assert response.status_code == 404, url
    response.close()


@pytest.mark.parametrize("method,url,allowed", TALLY_ROUTES)
def test_tally_anonymous_is_sent_to_login(client, tally, method, url, allowed):
    url = url.format(**tally)
    response = client.get(url) if method == "GET" else client.post(url)
    if method == "GET":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code in (302, 400)


def test_tally_other_teams_station_is_404(client, login_as, make, tally):
    login_as("coordinator", team=make.team())
    for url in (STATION, STATION + "/enter/1", "/tally/stations/{station}/card", "/tally/photos/{photo}"):
        assert client.get(url.format(**tally)).status_code == 404, url
    assert _request(client, "POST", "/tally/copies/{copy}/settle".format(**tally)).status_code == 404

"""The attack list, refused: brute force across IPs, XSS in user text, CSRF, IDOR on every object kind."""

from sqlalchemy import select

from school.models import User

from .conftest import PASSWORD, csrf_from


def _login(client, login, password, ip):
    token = csrf_from(client.get("/login", environ_base={"REMOTE_ADDR": ip}))
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": ip})


def test_brute_force_on_one_account_from_many_ips_is_limited(client, make):
    user = make.user()
    codes = [_login(client, user.login, "wrong-password", f"10.0.0.{i}").status_code for i in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    # the real owner from a fresh address is still limited for this minute: the account is the key
    assert _login(client, user.login, PASSWORD, "10.9.9.9").status_code == 429


def test_password_spraying_from_one_ip_is_limited(app, client, make):
    ceiling = int(app.config["LOGIN_ADDRESS_LIMIT"].split()[0])  # failures per address, above a classroom's
    users = [make.user() for _ in range(ceiling + 1)]
    codes = [_login(client, u.login, "wrong-password", "10.1.1.1").status_code for u in users]
    assert codes[ceiling] == 429


def test_script_in_a_name_is_escaped_everywhere(client, db, login_as, make):
    team = make.team(name="<img src=x onerror=alert(1)>")
    make.user(team=team, station=make.station(team), name="<script>alert('xss')</script>")
    login_as("coordinator", team=team)
    for url in (f"/teams/{team.id}", f"/teams/{team.id}/coverage", f"/teams/{team.id}/print"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_state_changes_without_csrf_token_are_refused(client, db, login_as, make):
    login_as("admin")
    target = make.user()
    for url, data in ((f"/admin/users/{target.id}", {"full_name": "Взлом", "role": "admin"}),
                      ("/admin/districts/new", {"name": "Поддельный"}),
                      (f"/admin/users/{target.id}/link", {})):
        assert client.post(url, data=data).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "consultant"


def test_csrf_token_of_another_session_is_refused(app, client, make, login_as):
    login_as("admin")
    other = app.test_client()
    foreign_token = csrf_from(other.get("/login"))
    assert client.post("/admin/districts/new", data={"name": "Чужой", "csrf_token": foreign_token}).status_code == 400


def test_consultant_cannot_reach_other_people_or_escalate(client, db, login_as, make):
    me = login_as("consultant")
    other = make.user()
    for url in (f"/consultants/{other.id}", f"/consultants/{me.id}", f"/admin/users/{other.id}", "/admin/users"):
        assert client.get(url).status_code == 404
    token = csrf_from(client.get("/dashboard"))
    assert client.post(f"/admin/users/{me.id}", data={"role": "admin", "csrf_token": token}).status_code == 404
    assert db.session.scalar(select(User.role).filter_by(id=me.id)) == "consultant"

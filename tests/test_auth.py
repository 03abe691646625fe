"""Login, logout, passwords, sessions and the security basics around them."""

import pytest

from school.services.accounts import AccountError, authenticate, check_password_rules, hash_password

from .conftest import PASSWORD, csrf_from


def _login(client, login, password):
    token = csrf_from(client.get("/login"))
    return client.post("/login", data={"login": login, "password": password, "csrf_token": token})


def test_passwords_are_hashed_with_argon2id(db, make):
    user = make.user()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # salted


def test_login_succeeds_and_redirects_by_role(client, make):
    user = make.user("coordinator", team=make.team())
    response = _login(client, user.login.upper(), PASSWORD)
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/team")


@pytest.mark.parametrize("login,password", [("nobody", PASSWORD), ("known", "wrong-password")])
def test_wrong_login_or_password_gives_the_same_message(client, make, login, password):
    make.user(login="known")
    response = _login(client, login, password)
    assert response.status_code == 401
    assert "Неверный логин или пароль." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, db, make):
    user = make.user()
    user.active = False
    db.session.commit()
    assert _login(client, user.login, PASSWORD).status_code == 401


def test_empty_login_form_is_a_400_with_russian_messages(client, db):
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"login": "", "password": "", "csrf_token": token})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Введите логин." in body and "Введите пароль." in body


def test_login_without_csrf_token_is_refused(client, make):
    user = make.user()
    response = client.post("/login", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 400 and "Форма устарела" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, make):
    user = make.user()
    codes = [_login(client, user.login, "wrong-password").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429


@pytest.mark.parametrize("target,expected", [
    ("/memos", "/memos"), ("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/")])
def test_next_redirects_only_to_own_paths(client, make, target, expected):
    user = make.user()
    token = csrf_from(client.get("/login"))
    data = {"login": user.login, "password": PASSWORD, "csrf_token": token}
    response = client.post(f"/login?next={target}", data=data)
    assert response.headers["Location"] == expected


def test_session_cookie_is_httponly_and_samesite(client, make):
    user = make.user()
    cookie = _login(client, user.login, PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_config_sets_secure_cookies():
    from config import ProductionConfig
    assert ProductionConfig.SESSION_COOKIE_SECURE is True


def test_session_is_new_after_login(client, make):
    user = make.user()
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by-attacker"
    _login(client, user.login, PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_logout_ends_the_session_everywhere(app, client, make):
    user = make.user()
    other = app.test_client()
    _login(client, user.login, PASSWORD)
    _login(other, user.login, PASSWORD)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/dashboard"))})
    assert client.get("/dashboard").status_code == 302
    assert other.get("/dashboard").status_code == 302  # the other device is logged out too


def test_password_change_checks_rules_and_ends_other_sessions(app, client, db, make):
    user = make.user()
    other = app.test_client()
    _login(client, user.login, PASSWORD)
    _login(other, user.login, PASSWORD)
    page = client.get("/account/password")
    weak = client.post("/account/password", data={"current": PASSWORD, "new": "qwerty", "repeat": "qwerty",
                                                   "csrf_token": csrf_from(page)})
    assert weak.status_code == 400 and "не короче 10" in weak.get_data(as_text=True)
    new = "a-much-better-passphrase"
    ok = client.post("/account/password", data={"current": PASSWORD, "new": new, "repeat": new,
                                                 "csrf_token": csrf_from(page)})
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert authenticate(db.session, user.login, new) is not None


@pytest.mark.parametrize("password", ["short", "qwertyuiop", "aaaaaaaaaaaa"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(AccountError):
        check_password_rules(password)


def test_security_headers(client, db):
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_oversized_body_is_413(client, db):
    response = client.post("/login", data={"login": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


@pytest.mark.parametrize("idle,age,logged_in", [(29 * 60, 60 * 60, True), (31 * 60, 60 * 60, False),
                                                (60, 11 * 3600, True), (60, 12 * 3600 + 60, False)])
def test_idle_and_absolute_session_timeouts(client, make, idle, age, logged_in):
    import time
    user = make.user()
    _login(client, user.login, PASSWORD)
    now = int(time.time())
    with client.session_transaction() as sess:
        sess["seen_at"], sess["login_at"] = now - idle, now - age
    assert (client.get("/dashboard").status_code == 200) is logged_in


@pytest.mark.parametrize("password", ["Kazakhstan", "observer123", "йцукенгшщз", "Password2027!", "almaty12345"])
def test_common_passwords_are_refused_even_with_suffixes(password):
    with pytest.raises(AccountError, match="распространён"):
        check_password_rules(password)


def test_a_good_passphrase_is_accepted():
    check_password_rules("жёлтый-трамвай-у-моста")

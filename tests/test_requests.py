"""What a request may carry (no NUL, body size per route, fields per form), double submissions, downloads
and the request log."""

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from school import requestlog
from school.models import AuditEntry, Quiz, SectionProgress, Signoff

from .conftest import csrf_from, tab_from
from .test_consultant_tools import _qualify

MB = 1024 * 1024
GOOD_CSV = Path(__file__).parent / "data" / "import" / "good.csv"

# (role, method, url, form): every place a NUL byte reached the database and gave 500 on PostgreSQL.
NUL_REQUESTS = [
    (None, "post", "/login", {"login": "admin\x00", "password": "x"}),
    ("consultant", "get", "/memos/a%00b", None),
    ("admin", "get", "/admin/users?q=%00", None),
    ("admin", "get", "/admin/users?q%00=1", None),
    ("admin", "post", "/admin/districts/new", {"name": "Район\x00"}),
    ("admin", "post", "/admin/teams/new", {"name": "Бригада\x00", "district_id": "{district}"}),
    ("admin", "post", "/consultants/{consultant}/grant", {"quiz_id": "{quiz}", "reason": "нужно\x00"}),
    ("admin", "post", "/admin/import/confirm", {"note\x00": "x"}),
    ("admin", "post", "/admin/import", {"file": "upload:people\x00.csv"}),
]


def _fill(value, ids):
    if isinstance(value, str) and value.startswith("upload:"):
        return (io.BytesIO(GOOD_CSV.read_bytes()), value.removeprefix("upload:"))
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.parametrize(("role", "method", "url", "form"), NUL_REQUESTS)
def test_a_nul_byte_anywhere_is_refused_with_400(client, db, login_as, make, role, method, url, form):
    if role:
        login_as(role)
    team = make.team()
    ids = {"district": team.district_id, "consultant": make.user(team=team).id,
           "quiz": db.session.scalar(select(Quiz.id).filter_by(slug="law"))}
    url = url.format(**ids)
    if form is None:
        response = client.get(url)
    else:
        token = csrf_from(client.get("/login" if role is None else "/admin/districts/new"))
        data = {k: _fill(v, ids) for k, v in form.items()} | {"csrf_token": token}
        response = client.post(url, data=data)
    assert response.status_code == 400
    assert "недопустимый символ" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def _post_multipart(client, url, fields):
    """Encode in memory: the test client spools bodies over 500 KB to a temporary file it never closes."""
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _upload(client, data: bytes, name="people.csv"):
    token = csrf_from(client.get("/admin/import"))
    upload = FileStorage(io.BytesIO(data), filename=name, content_type="text/csv")
    return _post_multipart(client, "/admin/import", [("csrf_token", token), ("file", upload)])


def test_import_takes_files_up_to_its_own_limit_and_says_so(client, login_as):
    login_as("admin")
    assert "До 16 МБ" in client.get("/admin/import").get_data(as_text=True)
    big = GOOD_CSV.read_bytes() + b";;;;;;\r\n" * (3 * MB // 8)  # blank rows: 3 MB, above the app-wide 2 MB
    response = _upload(client, big)
    assert response.status_code == 200 and "Консультанты: создать" in response.get_data(as_text=True)


def test_too_large_upload_gets_the_error_page_with_the_limit(client, login_as):
    login_as("admin")
    response = _upload(client, b"x" * (16 * MB + 1))
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "до 16 МБ" in html and "<h1>413</h1>" in html


def test_other_forms_keep_the_app_wide_limit(client, login_as):
    login_as("admin")
    token = csrf_from(client.get("/admin/districts/new"))
    response = client.post("/admin/districts/new", data={"csrf_token": token, "name": "x" * (2 * MB)})
    assert response.status_code == 413 and "до 2 МБ" in response.get_data(as_text=True)


@pytest.mark.parametrize(("multipart", "count"), [(False, 50_000), (True, 5_000)])
def test_a_form_with_too_many_fields_gets_a_small_clear_413(app, client, db, login_as, multipart, count):
    login_as("consultant")
    start = client.get("/quizzes/law")
    attempt_url = client.post("/quizzes/law/start", data={"csrf_token": csrf_from(start)}).headers["Location"]
    page = client.get(attempt_url)
    fields = [("csrf_token", csrf_from(page)), ("tab", tab_from(page)), *((f"q1-{i}", "x") for i in range(count))]
    if multipart:
        response = _post_multipart(client, attempt_url + "/save", fields)
    else:
        response = client.post(attempt_url + "/save", data=MultiDict(fields))
    assert response.status_code == 413
    assert len(response.data) < 10_000 and "Форма слишком большая" in response.get_data(as_text=True)
    assert 1000 <= app.config["MAX_FORM_PARTS"] <= 5000


def test_double_open_and_double_done_of_a_section_keep_one_row(client, db, login_as):
    user = login_as("consultant")
    page = client.get("/modules/law/01-part")
    assert client.get("/modules/law/01-part").status_code == 200
    for _ in range(2):
        done = client.post("/modules/law/01-part/done", data={"csrf_token": csrf_from(page)})
        assert done.status_code == 302
    rows = db.session.scalars(select(SectionProgress).filter_by(user_id=user.id)).all()
    assert len(rows) == 1 and rows[0].completed_at is not None


def test_double_clicked_signoff_confirms_once(client, db, login_as, make):
    team = make.team()
    coordinator = make.user("coordinator", team=team)
    consultant = make.user(team=team)
    _qualify(db, consultant)
    login_as(coordinator)
    token = csrf_from(client.get(f"/consultants/{consultant.id}"))
    first = client.post(f"/consultants/{consultant.id}/signoff", data={"csrf_token": token})
    second = client.post(f"/consultants/{consultant.id}/signoff", data={"csrf_token": token})
    assert first.status_code == 302 and second.status_code == 409
    assert "уже подтверждена" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Signoff).filter_by(consultant_id=consultant.id)).active
    actions = db.session.scalars(select(AuditEntry.action).filter_by(action="signoff.confirm")).all()
    assert actions == ["signoff.confirm"]


def _download_responses(client, db, login_as, make):
    team = make.team(name='Бригада "Север"')
    make.user(team=team)
    login_as("admin")
    yield client.get(f"/teams/{team.id}/readiness.csv")
    yield client.get(f"/teams/{team.id}/readiness.xlsx")
    page = client.get("/admin/people-without-password")
    yield client.post("/admin/people-without-password/links.csv", data={"csrf_token": csrf_from(page)})


def test_every_download_is_no_store(client, db, login_as, make):
    for response in _download_responses(client, db, login_as, make):
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"


def test_invitation_links_csv_is_written_by_the_csv_writer(client, db, login_as, make):
    team = make.team(name="Бригада; Юг")
    names = ['Иванов "Ваня" Иван', "Петров; Пётр", '=HYPERLINK("http://evil","x")', "Сидоров\nСидор"]
    people = [make.user(team=team, name=name) for name in names]
    for person in people:
        person.password_hash = ""
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/people-without-password")
    response = client.post("/admin/people-without-password/links.csv", data={"csrf_token": csrf_from(page)})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["ФИО", "Логин", "Бригада", "Ссылка"] and len(rows) == len(names) + 1
    by_login = {row[1]: row for row in rows[1:]}
    assert all(len(row) == 4 for row in rows)
    for person in people:
        name, _, team_name, link = by_login[person.login]
        expected = "'" + person.full_name if person.full_name.startswith("=") else person.full_name
        assert (name, team_name) == (expected, "Бригада; Юг") and "/invite/" in link
    for person in people:  # each link opens the invitation of its own person
        path = by_login[person.login][3].split("localhost", 1)[1]
        assert f"<strong>{person.login}</strong>" in client.get(path).get_data(as_text=True)


def test_request_log_does_not_touch_the_database_after_the_view_committed(app, client, db, login_as, monkeypatch):
    """The view committed and answered; then the database fails. The answer must still be the view's."""
    login_as("consultant")
    page = client.get("/modules/law/01-part")

    def down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database went away"))

    view = app.view_functions["learn.complete"]

    def view_then_database_fails(*args, **kwargs):
        response = view(*args, **kwargs)
        event.listen(db.engine, "before_cursor_execute", down)
        return response
    monkeypatch.setitem(app.view_functions, "learn.complete", view_then_database_fails)
    try:
        response = client.post("/modules/law/01-part/done", data={"csrf_token": csrf_from(page)})
    finally:
        if event.contains(db.engine, "before_cursor_execute", down):
            event.remove(db.engine, "before_cursor_execute", down)
    assert response.status_code == 302


def test_request_log_has_the_user_id_and_nothing_else_about_them(client, login_as, monkeypatch):
    user = login_as("consultant")
    lines = []
    monkeypatch.setattr(requestlog.log, "info", lines.append)
    client.get("/dashboard")
    entry = json.loads(lines[-1])
    assert entry["user"] == str(user.id) and entry["status"] == 200 and user.login not in lines[-1]
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/dashboard"))})
    client.get("/login")
    assert json.loads(lines[-1])["user"] is None


def test_xlsx_export_survives_control_characters_pasted_into_a_name(client, db, login_as, make):
    """Word puts \\x0b in a copied line break; openpyxl refuses such characters in a cell."""
    from openpyxl import load_workbook
    team = make.team()
    make.user(team=team, name="Иванов\x0bИван")
    login_as("admin")
    response = client.get(f"/teams/{team.id}/readiness.xlsx")
    assert response.status_code == 200
    names = [row[1] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    assert "ИвановИван" in names

"""Certificates: the PDF's text and QR code, /verify without login (valid, needs update, revoked, unknown),
revocation by the center, the certificate status coordinators see."""

import base64
import io
import re

import pytest
import qrcode
from pypdf import PdfReader
from sqlalchemy import select

from school.models import AuditEntry, Certificate
from school.services import certificates

from .conftest import csrf_from
from .test_law_changes import AFTER, BEFORE, qualify, require


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def qualified(db, make):
    team = make.team(name="Бригада Север")
    station = make.station(team, 777)
    user = make.user(team=team, station=station, name="Сертификатова Алия", login="alia")
    qualify(db, user, BEFORE)
    return user


def download(client, login_as, user):
    login_as(user)
    response = client.get("/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response


def test_the_pdf_names_the_person_modules_scores_law_and_code(app, db, client, login_as, qualified, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://school.example.kz")
    text = pdf_text(download(client, login_as, qualified).data)
    code = db.session.scalar(select(Certificate.code))
    for expected in ("СЕРТИФИКАТ", "Сертификатова Алия", "Право для наблюдателя", "Ситуации", "100%",
                     "редакция закона на 01.07.2026", "Квалифицирован(а) с 01.06.2026", "действителен",
                     f"https://school.example.kz/verify/{code}", f"Код проверки: {code}"):
        assert expected in text, expected


def test_the_qr_code_is_the_verify_url(app, db, client, login_as, qualified, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://school.example.kz")
    body = download(client, login_as, qualified).data
    code = db.session.scalar(select(Certificate.code))
    matrix = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    matrix.add_data(f"https://school.example.kz/verify/{code}")
    matrix.make(fit=True)
    dark = sum(sum(row) for row in matrix.get_matrix())
    stream = PdfReader(io.BytesIO(body)).pages[0].get_contents().get_data()
    assert len(re.findall(rb" re\b", stream)) == dark  # one square per dark module, nothing else drawn as rect


def test_the_code_has_at_least_128_random_bits_and_is_issued_once(db, client, login_as, qualified):
    download(client, login_as, qualified)
    assert client.get("/certificate.pdf").status_code == 200
    codes = db.session.scalars(select(Certificate.code)).all()
    assert len(codes) == 1
    assert len(base64.urlsafe_b64decode(codes[0] + "=" * (-len(codes[0]) % 4))) * 8 >= 128
    assert certificates.new_code() != certificates.new_code()


def test_no_certificate_before_qualification(db, client, login_as, make):
    login_as(make.user())
    response = client.get("/certificate.pdf")
    assert response.status_code == 302 and db.session.scalar(select(Certificate)) is None


def verify_page(app, code):
    response = app.test_client().get(f"/verify/{code}")  # a new client: nobody is logged in
    return response.status_code, response.get_data(as_text=True)


def test_verify_shows_only_name_date_and_status_without_login(app, db, client, login_as, qualified):
    download(client, login_as, qualified)
    code = db.session.scalar(select(Certificate.code))
    status, page = verify_page(app, code)
    assert status == 200
    assert "Сертификатова Алия" in page and "01.06.2026" in page and 'data-status="valid"' in page
    for private in ("Бригада Север", "alia", "777", "100%", "Право для наблюдателя"):
        assert private not in page, private


def test_verify_unknown_code_is_404(app, db):
    status, page = verify_page(app, "x" * 27)
    assert status == 404 and "не найден" in page


def test_verify_is_rate_limited(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_RATE_LIMIT", "3 per minute")
    statuses = [verify_page(app, f"code{i}")[0] for i in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_admin_revokes_with_a_reason_and_verify_says_so(app, db, client, login_as, qualified, make):
    download(client, login_as, qualified)
    code = db.session.scalar(select(Certificate.code))
    admin_client = app.test_client()
    admin = make.user("admin")
    page = admin_client.get("/login")
    admin_client.post("/login", data={"login": admin.login, "password": "correct-horse-battery",
                                      "csrf_token": csrf_from(page)})
    page = admin_client.get(f"/consultants/{qualified.id}")
    assert "Отозвать сертификат" in page.get_data(as_text=True)
    token = csrf_from(page)
    admin_client.post(f"/consultants/{qualified.id}/certificate/revoke", data={"reason": " ", "csrf_token": token})
    assert db.session.scalar(select(Certificate.revoked_at)) is None
    admin_client.post(f"/consultants/{qualified.id}/certificate/revoke",
                      data={"reason": "Тест сдан не самостоятельно", "csrf_token": token})
    db.session.expire_all()
    assert db.session.scalar(select(Certificate.revoke_reason)) == "Тест сдан не самостоятельно"
    entry = db.session.scalar(select(AuditEntry).filter_by(action="certificate.revoke"))
    assert (entry.actor_id, entry.target_user_id, entry.details["reason"]) == (
        admin.id, qualified.id, "Тест сдан не самостоятельно")
    status, page = verify_page(app, code)
    assert status == 200 and 'data-status="revoked"' in page and "отозван" in page
    assert client.get("/certificate.pdf").status_code == 302  # the consultant gets no new one


def test_coordinators_cannot_revoke_but_see_the_status(app, db, client, login_as, qualified, make):
    download(client, login_as, qualified)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/dashboard"))})
    login_as("coordinator", team=qualified.team)
    page = client.get(f"/consultants/{qualified.id}")
    assert "Сертификат: <strong>действителен</strong>" in page.get_data(as_text=True)
    assert "Отозвать сертификат" not in page.get_data(as_text=True)
    response = client.post(f"/consultants/{qualified.id}/certificate/revoke",
                           data={"reason": "x", "csrf_token": csrf_from(page)})
    assert response.status_code == 404
    team = client.get(f"/teams/{qualified.team_id}").get_data(as_text=True)
    assert '<td data-label="Сертификат">действителен</td>' in team


def test_certificate_and_verify_say_needs_update_after_a_change(app, db, client, login_as, qualified, make,
                                                               tmp_path):
    late = make.user(team=qualified.team)
    qualify(db, late, AFTER)
    require(db, tmp_path, make.user("admin"))
    text = pdf_text(download(client, login_as, qualified).data)
    assert "нужно обновить" in text and "повторную проверку" in text
    code = db.session.scalar(select(Certificate.code).filter_by(user_id=qualified.id))
    status, page = verify_page(app, code)
    assert status == 200 and 'data-status="needs_update"' in page and "нужно обновить" in page

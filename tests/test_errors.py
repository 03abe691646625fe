"""Errors: Russian pages with the right status, no stack trace, JSON where JSON is asked for."""

from sqlalchemy.exc import OperationalError

from school.extensions import db as _db


def test_404_page_is_russian(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and "Страница не найдена." in response.get_data(as_text=True)


def test_500_shows_no_stack_trace(app, client, login_as, monkeypatch):
    login_as("consultant")

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("school.learn.views.consultant_dashboard", boom)
    response = client.get("/dashboard")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Что-то пошло не так" in body
    assert "secret internals" not in body and "Traceback" not in body


def test_healthz_reports_database_failure(client, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(_db.session, "execute", fail)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["checks"]["database"] == "error"

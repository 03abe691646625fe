"""Readiness list: qualification rules, reasons, totals, filters, CSV, constant query count."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from school.models import Module, Quiz
from school.services import answering, attempt_requests, progress
from school.services import attempts as svc
from school.services.export import safe_cell
from school.services.qualification import qualification_of
from school.services.readiness import team_readiness

from .helpers import attempt_form

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _form(d):
    return MultiDict([(k, x) for k, v in d.items() for x in (v if isinstance(v, list) else [v])])


def take(db, user, slug, right=True, now=T0):
    quiz = db.session.scalar(select(Quiz).filter_by(slug=slug))
    attempt = svc.start_attempt(db.session, user.id, quiz, now=now)
    return answering.submit_attempt(db.session, attempt, _form(attempt_form(attempt.id, right=right)), now=now)


def read_all(db, user, slug):
    module = db.session.scalar(select(Module).filter_by(slug=slug))
    for section in module.sections:
        progress.complete_section(db.session, user.id, section, now=T0)
    db.session.commit()


def test_qualified_only_when_every_required_quiz_is_passed(db, make):
    user = make.user()
    take(db, user, "law", now=T0)
    assert qualification_of(db.session, user.id) is None
    take(db, user, "situations", right=False, now=T0 + timedelta(days=1))
    assert qualification_of(db.session, user.id) is None
    take(db, user, "situations", now=T0 + timedelta(days=2))
    assert qualification_of(db.session, user.id) == T0 + timedelta(days=2)


def test_optional_quiz_is_not_needed(db, make):
    db.session.scalar(select(Quiz).filter_by(slug="situations")).required = False
    db.session.commit()
    user = make.user()
    take(db, user, "law")
    assert qualification_of(db.session, user.id) == T0


def test_qualification_date_is_the_first_pass_not_a_later_one(db, make):
    user = make.user()
    take(db, user, "situations", now=T0)
    take(db, user, "law", now=T0 + timedelta(hours=1))
    # a further passed attempt cannot be started, so the date is stable
    with pytest.raises(svc.QuizRuleError):
        take(db, user, "law", now=T0 + timedelta(days=3))
    assert qualification_of(db.session, user.id) == T0 + timedelta(hours=1)


@pytest.fixture
def team_with_three(db, make):
    team = make.team()
    s1, s2, s3 = make.station(team, 301), make.station(team, 302), make.station(team, 303)
    make.station(team, 304)  # nobody assigned
    done = make.user(team=team, station=s1, name="Бекова Алия")
    half = make.user(team=team, station=s2, name="Ахметов Ерлан")
    idle = make.user(team=team, station=s3, name="Волкова Дана")
    read_all(db, done, "law")
    read_all(db, done, "situations")
    take(db, done, "law")
    take(db, done, "situations")
    read_all(db, half, "law")
    take(db, half, "law", right=False)
    make.user(team=make.team(), name="Чужой Консультант")
    return team, done, half, idle


def test_readiness_rows_reasons_and_totals(db, team_with_three):
    team, done, half, idle = team_with_three
    r = team_readiness(db.session, team.id)
    assert (r.total, r.qualified, r.stations_total, r.stations_covered) == (3, 1, 4, 1)
    rows = {row.consultant.id: row for row in r.rows}
    assert rows[done.id].status == "qualified" and rows[done.id].qualified_at == T0
    assert rows[half.id].status == "in_progress"
    assert "тест «Тест по праву» не сдан" in rows[half.id].reasons
    assert "«Ситуации»: прочитано 0 из 2 разделов" in rows[half.id].reasons
    assert rows[half.id].modules[0].percent == 100 and rows[half.id].modules[0].best_score == 0
    assert rows[idle.id].status == "not_started"
    assert "Чужой Консультант" not in [row.consultant.full_name for row in r.rows]


@pytest.mark.parametrize("status,names", [
    ("qualified", ["Бекова Алия"]), ("in_progress", ["Ахметов Ерлан"]), ("not_started", ["Волкова Дана"])])
def test_filter_by_status(db, team_with_three, status, names):
    team = team_with_three[0]
    assert [r.consultant.full_name for r in team_readiness(db.session, team.id, status).rows] == names


@pytest.mark.parametrize("sort,first", [("name", "Ахметов Ерлан"), ("station", "Бекова Алия"),
                                        ("status", "Бекова Алия"), ("score", "Бекова Алия")])
def test_sorting(db, team_with_three, sort, first):
    team = team_with_three[0]
    assert team_readiness(db.session, team.id, sort=sort).rows[0].consultant.full_name == first


def test_readiness_page_and_bad_filter(client, login_as, team_with_three):
    team = team_with_three[0]
    login_as("coordinator", team=team)
    html = client.get(f"/teams/{team.id}?status=in_progress").get_data(as_text=True)
    assert "Ахметов Ерлан" in html and "Бекова Алия" not in html
    assert "1 из 3</strong> квалифицированы" in html and "1 из 4</strong> участков" in html
    assert client.get(f"/teams/{team.id}?status=bogus").status_code == 400


def test_csv_export_has_bom_and_rows(client, login_as, team_with_three):
    team = team_with_three[0]
    login_as("coordinator", team=team)
    response = client.get(f"/teams/{team.id}/readiness.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Бригада", "Консультант", "Логин", "Участок"]
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {"Бекова Алия", "Ахметов Ерлан", "Волкова Дана"}
    assert by_name["Бекова Алия"][-4:] == ["Квалифицирован", "2026-12-01", "", ""]
    assert by_name["Ахметов Ерлан"][4:6] == ["100", "0.0"]


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("+7 777", "'+7 777"), ("-x", "'-x"),
                                            ("@SUM(A1)", "'@SUM(A1)"), ("Обычный", "Обычный"), (5, "5")])
def test_csv_cells_cannot_carry_formulas(value, expected):
    assert safe_cell(value) == expected


def test_readiness_query_count_is_constant(app, db, make, count_queries):
    team = make.team()
    coordinator = make.user("coordinator", team=team)
    law = db.session.scalar(select(Quiz).filter_by(slug="law"))
    law.max_attempts = 1  # a failed consultant has used up the attempts: the coordinator asks for one more
    counts = []
    for size in (2, 20):
        while len([u for u in team.members if u.role == "consultant"]) < size:
            user = make.user(team=team, station=make.station(team))
            read_all(db, user, "law")
            right = len(team.members) % 2 == 0
            take(db, user, "law", right=right)
            if not right:
                attempt_requests.request_extra(db.session, user, law, coordinator, "Обрыв связи")
                db.session.commit()
            db.session.refresh(team)
        db.session.expire_all()
        with count_queries() as counter:
            r = team_readiness(db.session, team.id)
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert sum("тест «Тест по праву»: попытки исчерпаны, запрос отправлен" in row.reasons for row in r.rows) == 10


def test_readiness_page_query_count_is_constant(client, db, make, login_as, count_queries):
    team = make.team()
    coordinator = login_as("coordinator", team=team)
    law = db.session.scalar(select(Quiz).filter_by(slug="law"))
    law.max_attempts = 1
    counts = []
    for size in (1, 15):
        for _ in range(size - len(team.members) + 1):
            user = make.user(team=team, station=make.station(team))
            take(db, user, "law", right=False)
            attempt_requests.request_extra(db.session, user, law, coordinator, "Обрыв связи")
            db.session.commit()
        db.session.refresh(team)
        with count_queries() as counter:
            page = client.get(f"/teams/{team.id}")
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert page.get_data(as_text=True).count("попытки исчерпаны, запрос отправлен") == 15


def test_coverage_lists_uncovered_stations_first(client, login_as, team_with_three):
    team = team_with_three[0]
    login_as("coordinator", team=team)
    html = client.get(f"/teams/{team.id}/coverage").get_data(as_text=True)
    order = [html.index(f"№ {n}") for n in (302, 303, 304, 301)]
    assert order == sorted(order)  # 302-304 uncovered (by number), then covered 301
    assert "никто не назначен" in html and "1 из 4" in html


def test_dashboard_counts_chart_and_days_left(app, client, login_as, team_with_three, monkeypatch):
    team = team_with_three[0]
    login_as("coordinator", team=team)
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert 'aria-label="Квалифицирован: 1, Ещё нет: 1, Не начинал: 1"' in html
    assert "<svg" in html and "style=" not in html  # strict CSP: no inline styles
    assert "прочитано в среднем 67%" in html  # module 1: 100, 100, 0
    from school.services.calendar import countdown
    days = countdown("2027-01-10", "2027-01-03", today=__import__("datetime").date(2026, 12, 31))
    assert (days.days_to_election, days.days_to_deadline) == (10, 3)


def test_print_sheet_and_xlsx_export(client, login_as, team_with_three):
    from openpyxl import load_workbook
    team = team_with_three[0]
    login_as("coordinator", team=team)
    sheet = client.get(f"/teams/{team.id}/print").get_data(as_text=True)
    assert "Лист готовности" in sheet and "Бекова Алия" in sheet and "print.css" in sheet
    response = client.get(f"/teams/{team.id}/readiness.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Консультант" and {r[1] for r in rows[1:]} == {"Бекова Алия", "Ахметов Ерлан", "Волкова Дана"}


def test_readiness_page_paginates_but_totals_count_everyone(app, client, db, make, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "READINESS_PAGE_SIZE", 2)
    team = make.team()
    for name in ("Аа", "Бб", "Вв", "Гг", "Дд"):
        make.user(team=team, name=name)
    login_as("coordinator", team=team)
    first = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "Аа" in first and "Вв" not in first and "Страница 1 из 3" in first and "0 из 5" in first
    last = client.get(f"/teams/{team.id}?page=3").get_data(as_text=True)
    assert "Дд" in last and "Аа" not in last
    assert "Дд" in client.get(f"/teams/{team.id}?page=99").get_data(as_text=True)  # clamped to the last page


def test_unknown_export_format_is_404(client, login_as, team_with_three):
    team = team_with_three[0]
    login_as("coordinator", team=team)
    assert client.get(f"/teams/{team.id}/readiness.pdf").status_code == 404

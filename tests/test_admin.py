"""Admin forms: districts, teams, polling stations and users, with clear errors and nothing half-saved."""

from sqlalchemy import func, select

from school.models import District, PollingStation, Team, User

from .conftest import csrf_from


def _post(client, url, data):
    data = {**data, "csrf_token": csrf_from(client.get(url))}
    return client.post(url, data=data)


def test_overview_lists_districts_teams_and_counts(client, login_as, make):
    team = make.team(name="Бригада Альфа")
    make.user("coordinator", team=team, name="Координатор Альфа")
    make.user(team=team, station=make.station(team))
    login_as("admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Бригада Альфа" in html and "Координатор Альфа" in html and "0 из 1" in html


def test_create_district_and_refuse_duplicate(client, db, login_as):
    login_as("admin")
    assert _post(client, "/admin/districts/new", {"name": "Алмалинский район"}).status_code == 302
    again = _post(client, "/admin/districts/new", {"name": "алмалинский район"})
    assert again.status_code == 400 and "уже есть" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(District)) == 1


def test_create_team_and_station(client, db, login_as, make):
    district = make.district("Бостандыкский район")
    login_as("admin")
    assert _post(client, "/admin/teams/new", {"district_id": district.id, "name": "Бригада 7"}).status_code == 302
    team = db.session.scalar(select(Team).filter_by(name="Бригада 7"))
    data = {"district_id": district.id, "number": "155", "address": "ул. Тимирязева, 2", "team_id": team.id}
    assert _post(client, "/admin/stations/new", data).status_code == 302
    dup = _post(client, "/admin/stations/new", data)
    assert dup.status_code == 400 and "Участок № 155 уже есть" in dup.get_data(as_text=True)
    bad = _post(client, "/admin/stations/new", {**data, "number": "abc"})
    assert bad.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PollingStation)) == 1


def test_create_consultant_with_team_and_station(client, db, login_as, make):
    team = make.team()
    station = make.station(team)
    login_as("admin")
    data = {"login": "new.consultant", "full_name": "Новый Консультант", "role": "consultant",
            "team_id": team.id, "polling_station_id": station.id, "password": "long-enough-pass", "active": "y"}
    assert _post(client, "/admin/users/new", data).status_code == 302
    user = db.session.scalar(select(User).filter_by(login="new.consultant"))
    assert user.team_id == team.id and user.polling_station_id == station.id
    assert user.password_hash.startswith("$argon2")


def test_user_form_errors_save_nothing(client, db, login_as, make):
    team = make.team()
    make.user("coordinator", team=team, name="Уже Координатор")
    login_as("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    cases = [
        ({"role": "coordinator", "team_id": team.id}, "уже есть координатор"),
        ({"role": "consultant", "team_id": 0}, "Укажите бригаду"),
        ({"password": "short"}, "не короче 10"),
        ({"login": "bad login!"}, "Латинские буквы"),
    ]
    base = {"login": "someone", "full_name": "Кто-то", "role": "consultant", "team_id": team.id,
            "polling_station_id": 0, "password": "long-enough-pass", "active": "y"}
    for change, message in cases:
        response = _post(client, "/admin/users/new", {**base, **change})
        assert response.status_code == 400 and message in response.get_data(as_text=True), change
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_deactivating_a_user_ends_their_session(app, client, db, login_as, make):
    target = make.user()
    other = app.test_client()
    token = csrf_from(other.get("/login"))
    other.post("/login", data={"login": target.login, "password": "correct-horse-battery", "csrf_token": token})
    assert other.get("/dashboard").status_code == 200
    login_as("admin")
    data = {"login": target.login, "full_name": target.full_name, "role": "consultant",
            "team_id": 0, "polling_station_id": 0, "password": ""}
    data["team_id"] = make.team().id
    assert _post(client, f"/admin/users/{target.id}", data).status_code == 302
    assert other.get("/dashboard").status_code == 302


def test_users_list_search_and_pagination(client, login_as, make):
    for i in range(55):
        make.user(name=f"Иванов {i:02d}")
    login_as("admin")
    html = client.get("/admin/users?q=иванов").get_data(as_text=True)
    assert "Страница 1 из 2" in html
    assert "Иванов 54" in client.get("/admin/users?q=иванов&page=2").get_data(as_text=True)


def test_overview_query_count_is_constant(client, db, login_as, make, count_queries):
    login_as("admin")
    counts = []
    for teams in (1, 6):
        for _ in range(teams):
            team = make.team()
            make.user("coordinator", team=team)
            for _ in range(3):
                make.user(team=team, station=make.station(team))
        with count_queries() as counter:
            assert client.get("/admin/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def _upload(client, path_or_bytes, name="people.csv"):
    import io
    from pathlib import Path
    data = Path(path_or_bytes).read_bytes() if not isinstance(path_or_bytes, bytes) else path_or_bytes
    token = csrf_from(client.get("/admin/import"))
    return client.post("/admin/import", data={"csrf_token": token, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_web_import_dry_run_then_confirm(client, db, login_as):
    from pathlib import Path
    login_as("admin")
    good = Path(__file__).parent / "data" / "import" / "good.csv"
    before = db.session.scalar(select(func.count()).select_from(User))
    checked = _upload(client, good)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Консультанты: создать" in html and "Импортировать" in html
    assert db.session.scalar(select(func.count()).select_from(User)) == before  # dry run wrote nothing
    token = csrf_from(client.get("/admin/import"))
    done = client.post("/admin/import/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "Импорт выполнен" in done.get_data(as_text=True)
    after = db.session.scalar(select(func.count()).select_from(User))
    assert after > before
    again = client.post("/admin/import/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "загрузите его снова" in again.get_data(as_text=True)  # a confirmation is used once
    assert "file: people.csv" in client.get("/admin/audit").get_data(as_text=True)


def test_web_import_reports_bad_rows_and_imports_nothing(client, db, login_as):
    from pathlib import Path
    login_as("admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    bad = _upload(client, Path(__file__).parent / "data" / "import" / "bad.csv")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Строка 2:" in html and "ничего не импортировано" in html
    assert "Импортировать</button>" not in html
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    wrong_type = _upload(client, b"hello", name="notes.txt")
    assert wrong_type.status_code == 400 and "Нужен файл .csv или .xlsx." in wrong_type.get_data(as_text=True)


def test_bulk_invitation_links_for_people_without_password(client, db, login_as, make):
    import csv
    import io
    team = make.team(name="Бригада Импорт")
    user = make.user(team=team, name="Без Пароля")
    user.password_hash = ""
    db.session.commit()
    login_as("admin")
    page = client.get("/admin/people-without-password")
    assert "Без Пароля" in page.get_data(as_text=True)
    response = client.post("/admin/people-without-password/links.csv", data={"csrf_token": csrf_from(page)})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["ФИО", "Логин", "Бригада", "Ссылка"]
    assert rows[1][:3] == ["Без Пароля", user.login, "Бригада Импорт"] and "/invite/" in rows[1][3]
    path = rows[1][3].split("localhost", 1)[1]
    assert client.get(path).status_code == 200


def test_content_preview_shows_modules_and_the_bank_with_keys(client, login_as):
    login_as("admin")
    html = client.get("/admin/content").get_data(as_text=True)
    assert "Право для наблюдателя" in html and "01-part.md" in html and "вопросов: 6" in html
    bank = client.get("/admin/content/quizzes/law").get_data(as_text=True)
    assert "law-a" in bank and "<strong>✓ Комиссия по требованию наблюдателя</strong>" in bank and "версия 1" in bank
    assert client.get("/admin/content/quizzes/nope").status_code == 404

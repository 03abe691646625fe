"""Bulk import of districts, stations, coordinators and consultants from CSV and XLSX."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from school.models import District, PollingStation, Team, User
from school.services import importer
from school.services.importer import (
    ImportFailed,
    ImportRefused,
    apply_import,
    import_file,
    parse_file,
    plan_import,
)

from .conftest import PASSWORD_HASH

DATA = Path(__file__).parent / "data" / "import"
HEADER = "район;бригада;участок;адрес;роль;логин;фио"


def _csv(*lines: str, bom=True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join((HEADER, *lines)) + "\r\n").encode()


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tables(db) -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _plan(db, name, data):
    rows, errors = parse_file(name, data)
    return plan_import(db.session, rows, errors)


def _counts(plan) -> dict[str, tuple[int, int, int]]:
    return {k: (c.created, c.updated, c.unchanged) for k, c in plan.counts.items()}


def _user(db, login) -> User:
    return db.session.scalar(select(User).filter_by(login=login))


def _station(db, district, number) -> PollingStation:
    return db.session.scalar(select(PollingStation).join(District).where(District.name == district,
                                                                          PollingStation.number == number))


def test_good_csv_with_bom_and_semicolons_imports_everything(db):
    plan, result = import_file(db.session, "good.csv", (DATA / "good.csv").read_bytes(), dry_run=False)
    assert plan.errors == [] and result is not None
    assert _counts(plan) == {"districts": (2, 0, 0), "teams": (3, 0, 0), "stations": (5, 0, 0),
                             "coordinators": (2, 0, 0), "consultants": (4, 0, 0), "trainers": (0, 0, 0)}
    assert _tables(db)["users"] == 6
    a2 = _user(db, "cons.a2")  # login lowered, spaces in the name collapsed
    assert a2.full_name == "Петрова Мария Сергеевна" and a2.role == "consultant" and a2.password_hash == ""
    assert a2.team.name == "Бригада 1" and a2.team.district.name == "Алмалинский район"
    assert a2.polling_station.number == 102 and a2.polling_station.address == "ул. Абая, 12"
    assert a2.polling_station.team_id == a2.team_id and a2.active and a2.session_version == 1
    assert _user(db, "coord.almaly1").team.coordinator.login == "coord.almaly1"
    assert _user(db, "coord.almaly1").polling_station_id is None
    assert _station(db, "Алмалинский район", 201).address == "пр. Назарбаева, 5"
    b1 = _user(db, "cons.b1")  # station 101 exists in both districts: they are different stations
    assert b1.polling_station.district.name == "Бостандыкский район"
    assert _station(db, "Бостандыкский район", 102).team_id is None
    assert any("Районы: создано 2" in line for line in result.summary())


def test_english_header_and_comma_delimiter(db):
    plan, _ = import_file(db.session, "good_en.csv", (DATA / "good_en.csv").read_bytes(), dry_run=False)
    assert plan.ok, plan.errors
    m1 = _user(db, "cons.m1")
    assert m1.team.name == "Brigade A" and m1.polling_station.address == "ул. Достык, 1"
    assert _user(db, "coord.medeu").role == "coordinator"


def test_good_xlsx_imports(db):
    data = _xlsx([["Район", "Бригада", "№ участка", "Адрес", "Роль", "Логин", "ФИО"],
                  ["Алатауский район", "Бригада 5", 301, "мкр. Шугыла, 7", None, None, None],
                  ["Алатауский район", "Бригада 5", None, None, "координатор", "coord.alatau", "Бекова Сауле"],
                  ["Алатауский район", "Бригада 5", 301.0, None, "консультант", "cons.x1", "Оспанов Берик"],
                  ["Алатауский район", "Бригада 5", 302, None, "Консультант", 12345, "Цифров Логин"]])
    plan, result = import_file(db.session, "центр.xlsx", data, dry_run=False)
    assert plan.ok, plan.errors
    assert _counts(plan)["stations"] == (2, 0, 0) and _counts(plan)["consultants"] == (2, 0, 0)
    assert _user(db, "cons.x1").polling_station.address == "мкр. Шугыла, 7"
    assert _user(db, "12345").polling_station.number == 302


def test_xlsx_errors_carry_the_sheet_row_number(db):
    data = _xlsx([["район", "бригада", "участок", "адрес", "роль", "логин", "фио"],
                  ["Район", "Бригада", 1, None, "консультант", "ok.one", "Первый"],
                  [], [],
                  ["Район", "Бригада", "один", None, "консультант", "bad.one", "Второй"]])
    plan = _plan(db, "file.xlsx", data)
    assert [(e.line, e.message) for e in plan.errors] == [
        (5, "Номер участка «один» должен быть целым положительным числом.")]


def test_dry_run_leaves_the_database_unchanged(db, make):
    import_file(db.session, "good.csv", (DATA / "good.csv").read_bytes(), dry_run=False)
    make.user("admin", login="admin.user")
    before = _tables(db)
    changed = _csv("Алмалинский район;Бригада 1;101;ул. Абая, 10а;консультант;cons.a1;Иванов Иван",
                   "Алмалинский район;Бригада 1;;;координатор;cons.a2;Петрова Мария Сергеевна",
                   "Алмалинский район;Бригада 2;;;консультант;coord.almaly2;Сатпаев Ерлан Маратович",
                   "Алмалинский район;Бригада 1;;;консультант;coord.almaly1;Ахметова Айгуль Сериковна",
                   "Новый район;Новая бригада;1;ул. Новая, 1;консультант;new.one;Новый Человек")
    plan, result = import_file(db.session, "changed.csv", changed, dry_run=True)
    assert result is None and not db.session.new and not db.session.dirty
    assert _tables(db) == before
    assert _user(db, "cons.a1").full_name == "Иванов Иван Иванович"
    assert plan.counts["districts"].created == 1 and plan.counts["consultants"].created == 1


def test_every_kind_of_bad_row_is_reported_and_nothing_imported(db, make):
    district = make.district("Алмалинский район")
    team4 = make.team(district, "Бригада 4")
    make.station(team4, number=701)
    make.user("coordinator", team=team4, login="coord.db", name="Сидоров Координатор")
    make.user("admin", login="admin.user")
    before = _tables(db)
    plan = _plan(db, "bad.csv", (DATA / "bad.csv").read_bytes())
    found = [(e.line, e.message) for e in plan.errors]
    expected = {
        2: "Неизвестная роль «менеджер»",
        3: "Не заполнено «бригада»",
        4: "Не заполнено «участок»",
        5: "Не заполнено «логин»",
        6: "Логин «Иванов»: допустимы только латинские буквы",
        7: "Номер участка «10а» должен быть целым",
        9: "Логин «x.8» уже встречается в строке 8 с другими данными",
        10: "Участок № 105 закреплён за другой бригадой этого района — «Бригада 1» (строка 8)",
        12: "У бригады «Бригада 1» уже есть координатор Координатор Один (x.11, строка 11)",
        13: "Участок № 701 закреплён за другой бригадой этого района — «Бригада 4» (в базе)",
        14: "У бригады «Бригада 4» уже есть координатор Сидоров Координатор (coord.db)",
        15: "Логин «admin.user» принадлежит администратору",
        16: "Не заполнено «район»",
        17: "В строке больше ячеек, чем столбцов в заголовке",
        18: "Не заполнено «фио»",
        19: "Не указана роль",
        20: "Координатору участок не назначается",
        21: "В ячейке «адрес» ошибка Excel #N/A",
        24: "Участок № 120: адрес отличается от указанного в строке 23 («ул. Первая, 1»)",
    }
    for line, text in expected.items():
        assert any(n == line and text in m for n, m in found), (line, text, found)
    assert (24, "Участок № 120 уже отнесён к бригаде «Бригада 1» в строке 23.") in found
    assert {n for n, _ in found} == set(expected)  # lines 8, 11, 22 and 23 are fine
    assert not plan.ok
    with pytest.raises(ImportRefused):
        apply_import(db.session, plan)
    plan, result = import_file(db.session, "bad.csv", (DATA / "bad.csv").read_bytes(), dry_run=False)
    assert result is None and _tables(db) == before


@pytest.mark.parametrize(("name", "data", "message"), [
    ("old.xls", b"\xd0\xcf\x11\xe0", "Формат .xls не поддерживается"),
    ("broken.xlsx", b"PK\x03\x04 not really a zip", "Не удалось прочитать файл XLSX"),
    ("cp1251.csv", HEADER.encode("cp1251"), "Файл не в кодировке UTF-8"),
    ("noheader.csv", "бригада;логин\nБ;x\n".encode(), "В заголовке нет столбца «район»"),
    ("nologin.csv", "район;бригада;участок;роль;фио\nР;Б;1;консультант;Ф\n".encode(), "нет столбца «логин»"),
    ("twice.csv", "район;district;участок\nР;Р;1\n".encode(), "Столбец «район» указан дважды"),
    ("empty.csv", b"", "Нет строки заголовка"),
    ("header-only.csv", HEADER.encode(), "нет строк с данными"),
])
def test_unreadable_files_are_refused_on_line_one(db, name, data, message):
    rows, errors = parse_file(name, data)
    assert rows == [] and errors and errors[0].line == 1 and message in errors[0].message, errors
    plan = plan_import(db.session, rows, errors)
    assert not plan.ok and plan.errors == errors


def test_blank_rows_are_skipped_and_the_size_is_limited(db, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    three = ["Р;Б;1;;;;", ";;;;;;", "", "Р;Б;2;;;;", "Р;Б;3;;;;"]
    rows, errors = parse_file("three.csv", _csv(*three))
    assert errors == [] and [r.line for r in rows] == [2, 5, 6]
    rows, errors = parse_file("four.csv", _csv(*three, "Р;Б;4;;;;"))
    assert rows == [] and "больше 3 строк" in errors[0].message
    sheet = [["район", "участок"], ["Р", 1], *[[None, None]] * 10, ["Р", 2]]
    rows, errors = parse_file("gaps.xlsx", _xlsx(sheet))
    assert errors == [] and [r.line for r in rows] == [2, 13]


def test_reimport_is_idempotent(db):
    data = (DATA / "good.csv").read_bytes()
    import_file(db.session, "good.csv", data, dry_run=False)
    first = _tables(db)
    ids = dict(db.session.execute(select(User.login, User.id)).all())
    plan = _plan(db, "good.csv", data)
    assert plan.ok and plan.changes == []
    assert all(c.created == 0 and c.updated == 0 for c in plan.counts.values())
    assert _counts(plan) == {"districts": (0, 0, 2), "teams": (0, 0, 3), "stations": (0, 0, 5),
                             "coordinators": (0, 0, 2), "consultants": (0, 0, 4), "trainers": (0, 0, 0)}
    apply_import(db.session, plan)
    assert _tables(db) == first and dict(db.session.execute(select(User.login, User.id)).all()) == ids
    # Names differing only in case match the same rows.
    shouted = data.decode("utf-8-sig").replace("Алмалинский район", "АЛМАЛИНСКИЙ РАЙОН").encode()
    plan, _ = import_file(db.session, "good.csv", shouted, dry_run=False)
    assert plan.counts["districts"].created == 0 and _tables(db) == first


def test_update_changes_name_station_and_role_and_keeps_password(db, make):
    district = make.district("Алмалинский район")
    team = make.team(district, "Бригада 1")
    s101, s102 = make.station(team, number=101), make.station(team, number=102)
    a1 = make.user(team=team, station=s101, login="cons.a1", name="Иванов Иван")
    make.user(team=team, station=s101, login="promo", name="Будущий Координатор")
    data = _csv("Алмалинский район;Бригада 1;102;ул. Абая, 12;консультант;cons.a1;Иванов Иван Иванович",
                "Алмалинский район;Бригада 1;;;координатор;promo;Будущий Координатор")
    plan = _plan(db, "upd.csv", data)
    assert plan.ok, plan.errors
    assert _counts(plan)["consultants"] == (0, 1, 0) and _counts(plan)["coordinators"] == (0, 1, 0)
    assert _counts(plan)["stations"] == (0, 1, 0)  # the address of 102 changes
    messages = {c.name: c.message for c in plan.changes}
    assert "ФИО «Иванов Иван» → «Иванов Иван Иванович»" in messages["cons.a1"]
    assert "участок № 101 → № 102" in messages["cons.a1"]
    assert [c.name for c in plan.role_changes] == ["promo"]
    assert "роль «консультант» → «координатор»" in messages["promo"]
    apply_import(db.session, plan)
    moved = db.session.get(User, a1.id)
    assert moved.full_name == "Иванов Иван Иванович" and moved.polling_station_id == s102.id
    assert moved.password_hash == PASSWORD_HASH
    promo = _user(db, "promo")
    assert promo.role == "coordinator" and promo.polling_station_id is None and promo.team_id == team.id
    assert db.session.get(PollingStation, s102.id).address == "ул. Абая, 12"


def test_coordinators_can_swap_within_and_between_teams(db, make):
    district = make.district("Алмалинский район")
    t1, t2 = make.team(district, "Бригада 1"), make.team(district, "Бригада 2")
    s1 = make.station(t1, number=1)
    make.user("coordinator", team=t1, login="c1")
    make.user("coordinator", team=t2, login="c2")
    make.user(team=t1, station=s1, login="k1")
    # c1 steps down to consultant and k1 leads team 1; then k1 and c2 swap teams.
    data = _csv("Алмалинский район;Бригада 1;1;;консультант;c1;Бывший Координатор",
                "Алмалинский район;Бригада 1;;;координатор;k1;Новый Координатор")
    plan, _ = import_file(db.session, "swap.csv", data, dry_run=False)
    assert plan.ok, plan.errors
    assert len(plan.role_changes) == 2 and t1.coordinator.login == "k1"
    data = _csv("Алмалинский район;Бригада 2;;;координатор;k1;Новый Координатор",
                "Алмалинский район;Бригада 1;;;координатор;c2;Второй Координатор")
    plan, _ = import_file(db.session, "swap2.csv", data, dry_run=False)
    assert plan.ok, plan.errors
    assert _user(db, "k1").team_id == t2.id and _user(db, "c2").team_id == t1.id


def test_station_moves_to_another_team_only_with_its_consultants(db, make):
    district = make.district("Алмалинский район")
    ta, tb = make.team(district, "Бригада А"), make.team(district, "Бригада Б")
    station = make.station(ta, number=5)
    make.user(team=ta, station=station, login="left.behind")
    move = "Алмалинский район;Бригада Б;5;;;;"
    plan = _plan(db, "move.csv", _csv(move))
    assert [(e.line, "left.behind" in e.message) for e in plan.errors] == [(2, True)]
    plan, _ = import_file(db.session, "move.csv", _csv(
        move, "Алмалинский район;Бригада Б;5;;консультант;left.behind;Тестов Переехавший"), dry_run=False)
    assert plan.ok, plan.errors
    assert db.session.get(PollingStation, station.id).team_id == tb.id
    assert _user(db, "left.behind").team_id == tb.id


def test_a_teamless_station_goes_to_its_consultants_team(db, make):
    district = make.district("Алмалинский район")
    make.team(district, "Бригада 1")
    db.session.add(PollingStation(district_id=district.id, number=9, address="ул. Старая, 9"))
    db.session.commit()
    plan, _ = import_file(db.session, "claim.csv", _csv("Алмалинский район;Бригада 1;9;;консультант;k9;Кто Угодно"),
                          dry_run=False)
    assert _counts(plan)["stations"] == (0, 1, 0)
    station = _station(db, "Алмалинский район", 9)
    assert station.team.name == "Бригада 1" and station.address == "ул. Старая, 9"


def test_a_database_that_changed_since_the_plan_saves_nothing(db, make):
    plan = _plan(db, "good.csv", (DATA / "good.csv").read_bytes())
    make.district("Алмалинский район")  # another admin got there first
    db.session.commit()
    with pytest.raises(ImportFailed):
        apply_import(db.session, plan)
    assert _tables(db)["users"] == 0 and _tables(db)["districts"] == 1


def test_a_plan_applies_once(db):
    plan = _plan(db, "good.csv", (DATA / "good.csv").read_bytes())
    apply_import(db.session, plan)
    with pytest.raises(ImportRefused):
        apply_import(db.session, plan)


def _file(n: int, district: str, suffix: str = "") -> bytes:
    """n consultants, 10 per team, 2 per station, and a coordinator per team."""
    lines = []
    for i in range(n):
        team = f"Бригада {i // 10}"
        if i % 10 == 0:
            lines.append(f"{district};{team};;;координатор;{district}.c{i // 10};Координатор {i // 10}{suffix}")
        lines.append(f"{district};{team};{i // 2 + 1};ул. {i // 2};консультант;{district}.k{i};Консультант {i}{suffix}")
    return _csv(*lines)


def test_query_count_does_not_grow_with_rows(db, count_queries):
    counts = {}
    for n in (20, 200):
        for step, suffix in (("create", ""), ("update", " мл."), ("same", " мл.")):
            with count_queries() as counter:
                plan, result = import_file(db.session, "f.csv", _file(n, f"d{n}", suffix), dry_run=False)
            assert plan.ok and result is not None, plan.errors
            counts[n, step] = counter.count
    assert plan.counts["consultants"].unchanged == 200
    for step in ("create", "update", "same"):
        assert counts[20, step] == counts[200, step], counts
    assert counts[200, "same"] == 4  # the four SELECTs of the plan, nothing written


def test_progress_is_reported_every_thousand_rows(db):
    calls = []
    plan, _ = import_file(db.session, "big.csv", _file(2500, "big"), dry_run=False,
                          progress=lambda done, total: calls.append((done, total)))
    assert plan.ok
    rows = 2500 + 250
    assert calls[:3] == [(1000, rows), (2000, rows), (rows, rows)]
    written = calls[3:]
    assert written and written[-1][0] == written[-1][1] and len(written) < 12
    assert db.session.scalar(select(func.count()).select_from(User)) == rows
    assert db.session.scalar(select(func.count()).select_from(Team)) == 250


def test_trainers_are_imported_without_team_or_station_and_may_change_role(db, make):
    data = ("район;бригада;участок;адрес;роль;логин;фио\n"
            "Медеуский район;;;;тренер;trainer.one;Тренерова Гульнара\n"
            "Медеуский район;Бригада 1;;;trainer;trainer.two;Сейтказиев Бауыржан\n").encode()
    plan = _plan(db, "t.csv", data)
    assert [str(e) for e in plan.errors] == [
        "Строка 3: Тренер работает для всего центра: оставьте «бригада» и «участок» пустыми."]
    fixed = data.replace("Бригада 1".encode(), b"")
    plan, result = importer.import_file(db.session, "t.csv", fixed, dry_run=False)
    assert result is not None and _counts(plan)["trainers"] == (2, 0, 0)
    trainer = _user(db, "trainer.one")
    assert (trainer.role, trainer.team_id, trainer.polling_station_id) == ("trainer", None, None)
    team = make.team()
    row = f"{team.district.name};{team.name};501;;консультант;trainer.two;Сейтказиев Бауыржан\n"
    plan, _ = importer.import_file(db.session, "t.csv", ("район;бригада;участок;адрес;роль;логин;фио\n" + row)
                                   .encode(), dry_run=False)
    assert "роль «тренер» → «консультант»" in str(plan.role_changes[0])
    assert _user(db, "trainer.two").role == "consultant"

"""CLI commands through the runner: content, users, readiness export, setup."""

from pathlib import Path

from sqlalchemy import func, select

from school.models import User
from school.services.accounts import authenticate

DATA = Path(__file__).parent / "data"


def test_content_check_passes_on_good_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0 and "ошибок: 0" in result.output


def test_content_check_fails_with_file_and_line(app, runner, tmp_path):
    quizzes = tmp_path / "quizzes"
    quizzes.mkdir()
    (quizzes / "law.txt").write_text((DATA / "broken" / "bad.txt").read_text())
    app.config["QUIZZES_DIR"] = str(quizzes)
    try:
        result = runner.invoke(args=["content", "check"])
    finally:
        app.config["QUIZZES_DIR"] = str(DATA / "quizzes")
    assert result.exit_code == 1
    assert f"{quizzes / 'law.txt'}:4: неизвестное поле «colour»" in result.output


def test_content_load_is_idempotent(runner):
    first = runner.invoke(args=["content", "load"])
    second = runner.invoke(args=["content", "load"])
    assert first.exit_code == 0 and second.exit_code == 0 and "questions_changed=0" in second.output


def test_users_add_creates_a_hashed_account(runner, db, make):
    team = make.team(name="Бригада 9")
    result = runner.invoke(args=["users", "add", "new.coord", "--name", "Новая Координатор", "--role", "coordinator",
                                 "--team", "Бригада 9", "--password", "a-long-password-1"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(login="new.coord"))
    assert user.role == "coordinator" and user.team_id == team.id
    assert authenticate(db.session, "new.coord", "a-long-password-1") is not None


def test_users_add_refuses_weak_password_and_duplicates(runner, db, make):
    make.user(login="taken")
    weak = runner.invoke(args=["users", "add", "x1", "--name", "X", "--role", "admin", "--password", "123"])
    dup = runner.invoke(args=["users", "add", "taken", "--name", "X", "--role", "admin",
                              "--password", "a-long-password-1"])
    assert weak.exit_code == 1 and "не короче" in weak.output
    assert dup.exit_code == 1 and "уже занят" in dup.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_readiness_export_team_and_district(runner, make, tmp_path):
    district = make.district("Медеуский район")
    team = make.team(district=district, name="Бригада 3")
    make.user(team=team, name="Сагинтаева Асель")
    out = tmp_path / "r.csv"
    result = runner.invoke(args=["readiness", "export", "--team", "Бригада 3", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "Сагинтаева Асель" in data.decode("utf-8-sig")
    by_district = runner.invoke(args=["readiness", "export", "--district", "Медеуский район"])
    assert "Сагинтаева Асель" in by_district.output
    assert runner.invoke(args=["readiness", "export"]).exit_code == 2
    assert runner.invoke(args=["readiness", "export", "--team", "Нет такой"]).exit_code == 2


def test_every_command_has_help(runner):
    for args in (["init-db"], ["setup"], ["content", "check"], ["content", "load"], ["users", "add"],
                 ["users", "password"], ["readiness", "export"], ["attempts", "close-overdue"],
                 ["quizzes", "import-gift"], ["quizzes", "export-gift"], ["backup"], ["restore"],
                 ["users", "import"], ["quizzes", "stats"]):
        result = runner.invoke(args=[*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, args


def test_gift_export_then_import_round_trip(app, runner, tmp_path):
    gift = tmp_path / "law.gift"
    exported = runner.invoke(args=["quizzes", "export-gift", "law", "--output", str(gift)])
    assert exported.exit_code == 0, exported.output
    assert "::law-a::" in gift.read_text()
    out = tmp_path / "law-copy.txt"
    imported = runner.invoke(args=["quizzes", "import-gift", str(gift), "--quiz", "law", "--output", str(out)])
    assert imported.exit_code == 0, imported.output
    from school.services.quizfile import parse_quiz
    original, _ = parse_quiz("a", "law", (DATA / "quizzes" / "law.txt").read_text())
    copy, errors = parse_quiz("b", "law", out.read_text())
    assert errors == [] and [q.content_hash for q in copy.questions] == [q.content_hash for q in original.questions]
    again = runner.invoke(args=["quizzes", "import-gift", str(gift), "--quiz", "law", "--output", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


def test_gift_import_with_errors_writes_nothing(runner, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::q1:: Essay question {}\n")
    out = tmp_path / "out.txt"
    result = runner.invoke(args=["quizzes", "import-gift", str(bad), "--quiz", "law", "--output", str(out)])
    assert result.exit_code == 1 and not out.exists() and f"{bad}:1:" in result.output


def test_backup_refuses_in_memory_database(app, runner, tmp_path):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        result = runner.invoke(args=["backup", "--output", str(tmp_path)])
        assert result.exit_code == 0 and "Резервная копия" in result.output
        return
    result = runner.invoke(args=["backup", "--output", str(tmp_path)])
    assert result.exit_code == 1 and "в памяти" in result.output


def test_restore_asks_for_confirmation(runner, tmp_path):
    (tmp_path / "x.sqlite3").write_text("x")
    result = runner.invoke(args=["restore", str(tmp_path / "x.sqlite3")], input="n\n")
    assert result.exit_code == 1 and "Продолжить?" in result.output


def test_users_import_dry_run_then_import(runner, db):
    good = DATA / "import" / "good.csv"
    before = db.session.scalar(select(func.count()).select_from(User))
    dry = runner.invoke(args=["users", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Пробный прогон" in dry.output
    assert db.session.scalar(select(func.count()).select_from(User)) == before
    real = runner.invoke(args=["users", "import", str(good)])
    assert real.exit_code == 0 and "создано" in real.output
    bad = runner.invoke(args=["users", "import", str(DATA / "import" / "bad.csv")])
    assert bad.exit_code == 1 and "Строка 2:" in bad.output and "ничего не импортировано" in bad.output

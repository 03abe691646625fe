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
                 ["users", "password"], ["readiness", "export"], ["attempts", "close-overdue"]):
        result = runner.invoke(args=[*args, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, args

"""The phone column of the import: coordinators see their team's phones on voting day."""

from sqlalchemy import select

from school.models import User
from school.services.importer import import_file

HEADER = "район;бригада;участок;адрес;роль;логин;фио"


def _csv(header: str, *lines: str) -> bytes:
    return ("\r\n".join((header, *lines)) + "\r\n").encode()


def _phone(db, login) -> str:
    return db.session.scalar(select(User.phone).filter_by(login=login))


def test_phones_are_imported_updated_and_kept_without_the_column(db):
    first = _csv(HEADER + ";телефон",
                 "Медеуский район;Бригада 1;501;ул. Абая, 1;консультант;c501;Иванова Анна;+7 701 111 22 33",
                 "Медеуский район;Бригада 1;;;координатор;k1;Петров Пётр;8 (727) 300-00-00")
    plan, result = import_file(db.session, "people.csv", first, dry_run=False)
    assert plan.errors == [] and result is not None
    assert (_phone(db, "c501"), _phone(db, "k1")) == ("+7 701 111 22 33", "8 (727) 300-00-00")
    without = _csv(HEADER, "Медеуский район;Бригада 1;501;ул. Абая, 1;консультант;c501;Иванова Анна")
    plan, _ = import_file(db.session, "people.csv", without, dry_run=False)
    assert plan.changes == [] and _phone(db, "c501") == "+7 701 111 22 33"
    changed = _csv("район;бригада;участок;адрес;роль;логин;фио;Phone",
                   "Медеуский район;Бригада 1;501;ул. Абая, 1;консультант;c501;Иванова Анна;+7 701 999 00 00")
    plan, _ = import_file(db.session, "people.csv", changed, dry_run=False)
    assert [str(c) for c in plan.changes] == [
        "Строка 2: c501: телефон «+7 701 111 22 33» → «+7 701 999 00 00»"]
    assert _phone(db, "c501") == "+7 701 999 00 00"


def test_a_phone_that_is_not_one_is_an_error_with_its_line(db):
    bad = _csv(HEADER + ";тел.", "Медеуский район;Бригада 1;501;;консультант;c501;Иванова Анна;позвонить Анне")
    plan, result = import_file(db.session, "people.csv", bad, dry_run=False)
    assert result is None and [str(e) for e in plan.errors] == [
        "Строка 2: Телефон «позвонить Анне»: только цифры, пробелы, скобки, дефис и + в начале."]

"""Contacts are data: admins edit them (audited), pages show the reader's own and «не указан» for a missing one."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from school.models import AuditEntry, Contact
from school.services import contacts

from .conftest import csrf_from


def _post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_from(client.get("/admin/contacts/new"))})


def _add(db, kind, name, phone="", district=None, note=""):
    row = Contact(kind=kind, name=name, phone=phone, district=district, note=note)
    db.session.add(row)
    db.session.commit()
    return row


def test_memo_shows_missing_contacts_as_not_given(client, login_as):
    login_as("consultant")
    html = client.get("/memos/01-carry").get_data(as_text=True)
    assert "Актуально на 01.07.2026" in html
    for label in ("Горячая линия центра", "Городская избирательная комиссия", "Районная избирательная комиссия"):
        assert label in html
    assert html.count("не указан") == 3 and "tel:" not in html


def test_memo_shows_the_readers_district_and_the_city(client, db, login_as, make):
    own, other = make.district("Ауэзовский район"), make.district("Медеуский район")
    team = make.team(district=own)
    _add(db, "hotline", "Горячая линия центра", "+7 (727) 300-00-00", note="круглосуточно")
    _add(db, "district_commission", "ТИК Ауэзовского района", "+7 727 111 11 11", own)
    _add(db, "district_commission", "ТИК Медеуского района", "+7 727 222 22 22", other)
    _add(db, "other", "Юрист центра", "", own)
    login_as("consultant", team=team, station=make.station(team))
    html = client.get("/memos/01-carry").get_data(as_text=True)
    assert 'href="tel:+77273000000">+7 (727) 300-00-00</a>' in html and "круглосуточно" in html
    assert "ТИК Ауэзовского района" in html and "ТИК Медеуского района" not in html
    assert "Юрист центра" in html
    assert html.count("не указан") == 2  # the city commission and the lawyer's phone


def test_contacts_for_a_user_without_district_show_city_wide_ones_only(db, make):
    _add(db, "city_commission", "Алматинская городская избирательная комиссия", "+7 727 000 00 00")
    _add(db, "district_commission", "ТИК", "1", make.district())
    admin = make.user("admin")
    lines = contacts.contacts_for(db.session, contacts.district_of(admin))
    assert [(line.label, line.contact and line.contact.name) for line in lines] == [
        ("Горячая линия центра", None),
        ("Городская избирательная комиссия", "Алматинская городская избирательная комиссия"),
        ("Районная избирательная комиссия", None)]


def test_admin_creates_edits_and_deletes_with_audit(client, db, login_as, make):
    district = make.district("Алмалинский район")
    admin = login_as("admin")
    data = {"kind": "district_commission", "district_id": district.id, "name": "ТИК Алмалинского района",
            "phone": "+7 727 123 45 67", "note": "", "position": "1"}
    assert _post(client, "/admin/contacts/new", data).status_code == 302
    row = db.session.scalar(select(Contact))
    assert (row.kind, row.district_id, row.phone) == ("district_commission", district.id, "+7 727 123 45 67")
    assert "ТИК Алмалинского района" in client.get("/admin/contacts").get_data(as_text=True)
    assert _post(client, f"/admin/contacts/{row.id}", {**data, "phone": ""}).status_code == 302
    db.session.expire_all()
    assert row.phone == ""
    assert _post(client, f"/admin/contacts/{row.id}/delete", {}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    log = db.session.execute(select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.id)).all()
    assert log == [("contact.create", admin.id), ("contact.update", admin.id), ("contact.delete", admin.id)]


@pytest.mark.parametrize("change,message", [
    ({"kind": "district_commission"}, "Укажите район комиссии."),
    ({"kind": "hotline", "district_id": "own"}, "для всего города"),
    ({"phone": "звоните Асель"}, "Цифры, пробелы и + ( ) -"),
    ({"name": ""}, "Введите название."),
])
def test_bad_contacts_are_refused_and_nothing_is_saved(client, db, login_as, make, change, message):
    district = make.district()
    login_as("admin")
    data = {"kind": "city_commission", "district_id": 0, "name": "Комиссия", "phone": "", "position": "0", **change}
    data["district_id"] = district.id if data["district_id"] == "own" else data["district_id"]
    response = _post(client, "/admin/contacts/new", data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_the_database_refuses_a_district_commission_without_district(db):
    db.session.add(Contact(kind="district_commission", name="ТИК"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(Contact(kind="fax", name="Факс"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

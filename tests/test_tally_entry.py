"""Entering a protocol: photos of every page first, the consultant's entry for their own station, a failing
relation shown in words before saving (saved only with a comment), the independent second entry that never sees
the first, conflicts settled from the photo with who, when and why, entry on someone's behalf, new versions."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from school.models import (
    CheckIn,
    ProtocolCopy,
    ProtocolEntry,
    ProtocolEvent,
    ProtocolPhoto,
    ProtocolVersion,
    Settlement,
)
from school.services import voting_day

from .tally_helpers import CLEAN, base, enter, figures, make_world, post, upload_photos
from .voting_helpers import client_for, jpeg_with_location


@pytest.fixture
def photo_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PROTOCOL_PHOTO_DIR", str(tmp_path / "protocols"))
    return tmp_path / "protocols"


@pytest.fixture
def world(db, make, photo_dir):
    return make_world(db, make)


def _copy(db, w, contest=None):
    db.session.expire_all()
    return db.session.scalar(select(ProtocolCopy).filter_by(station_id=w.station.id,
                                                            contest_id=(contest or w.mazhilis).id))


def _first(app, db, w, values=CLEAN, **extra):
    """The consultant photographs both pages and enters round 1."""
    consultant = client_for(app, w.consultant)
    assert upload_photos(consultant, w.station, w.mazhilis).status_code == 302
    response = enter(consultant, w.station, w.mazhilis, 1, values, **extra)
    assert response.status_code == 302, response.get_data(as_text=True)
    return consultant


def test_photos_lose_exif_and_every_page_is_required(app, db, world, photo_dir):
    w = world
    consultant = client_for(app, w.consultant)
    assert upload_photos(consultant, w.station, w.mazhilis, count=1, photo=jpeg_with_location()).status_code == 302
    stored = db.session.scalar(select(ProtocolPhoto))
    data = (photo_dir / stored.file_name).read_bytes()
    assert b"PhoneCam" not in data and b"GPS" not in data and not Image.open(io.BytesIO(data)).getexif()
    # The example form has two pages: one photo is not enough.
    html = enter(consultant, w.station, w.mazhilis, 1, CLEAN).get_data(as_text=True)
    assert "страниц 2, фото 1" in html and _copy(db, w).state == "none"
    response = upload_photos(consultant, w.station, w.mazhilis, count=1, photo=b"%PDF-1.4 not a photo")
    assert response.status_code == 302 and db.session.query(ProtocolPhoto).count() == 1
    photo = consultant.get(f"/tally/photos/{stored.id}")
    assert photo.status_code == 200 and photo.headers["Cache-Control"] == "no-store"
    photo.close()


def test_consultant_enters_only_their_own_station(app, db, make, world):
    w = world
    consultant = client_for(app, w.consultant)
    for url in (base(w.other, w.mazhilis), f"{base(w.other, w.mazhilis)}/enter/1"):
        assert consultant.get(url).status_code == 404, url
    assert upload_photos(consultant, w.other, w.mazhilis).status_code == 404
    assert enter(consultant, w.other, w.mazhilis, 1, CLEAN).status_code == 404
    assert db.session.query(ProtocolCopy).count() == 0
    _first(app, db, w)
    photo = db.session.scalar(select(ProtocolPhoto.id))
    outsider = client_for(app, make.user("consultant", team=w.team))  # same team, no station
    assert outsider.get(base(w.station, w.mazhilis)).status_code == 404
    assert outsider.get(f"/tally/photos/{photo}").status_code == 404


def test_failing_relation_is_shown_in_words_and_saved_only_with_a_comment(app, db, world):
    w = world
    consultant = client_for(app, w.consultant)
    upload_photos(consultant, w.station, w.mazhilis)
    wrong = figures(party_a=612)  # the votes and the invalid ballots add up to 1,111, the boxes held 1,101
    html = enter(consultant, w.station, w.mazhilis, 1, wrong).get_data(as_text=True)
    assert "Голоса и недействительные бюллетени в сумме не равны числу бюллетеней из урн" in html
    assert "Сохранить с комментарием" in html and 'value="612"' in html
    assert db.session.query(ProtocolEntry).count() == 0
    response = enter(consultant, w.station, w.mazhilis, 1, wrong, comment="В копии так: 612, сумма не сходится")
    assert response.status_code == 302
    entry = db.session.scalar(select(ProtocolEntry))
    assert entry.values["party_a"] == 612 and entry.comment.startswith("В копии так")
    event = db.session.scalar(select(ProtocolEvent).filter_by(action="entry"))
    assert event.details["failing"] == ["k4"]


def test_check_while_typing_names_the_failing_relations(app, db, world):
    w = world
    consultant = client_for(app, w.consultant)
    from .tally_helpers import form_of
    body = post(consultant, f"/tally/contests/{w.mazhilis.id}/check", **form_of(figures(issued=1900))).get_json()
    codes = [f["code"] for f in body["failing"]]
    assert "k1" in codes and body["errors"] == {}
    bad = post(consultant, f"/tally/contests/{w.mazhilis.id}/check", **form_of(figures(voters="12a"))).get_json()
    assert "voters" in bad["errors"]


def test_two_entries_with_a_conflict_settled_from_the_photo(app, db, world):
    w = world
    _first(app, db, w)
    assert _copy(db, w).state == "first"
    checkin_day = voting_day.current_day(db.session)
    assert checkin_day is None  # no voting day in this test: entering does not need one
    coordinator = client_for(app, w.coordinator)
    page = coordinator.get(base(w.station, w.mazhilis)).get_data(as_text=True)
    assert "скрыто до второго ввода" in page and ">602<" not in page  # the first entry stays hidden
    form = coordinator.get(f"{base(w.station, w.mazhilis)}/enter/2").get_data(as_text=True)
    assert 'value="602"' not in form and "не глядя на первый ввод" in form
    second = figures(party_b=213, invalid=32)  # two lines read otherwise: the sum check fails, said in words
    assert "не равны числу бюллетеней из урн" in enter(coordinator, w.station, w.mazhilis, 2, second).get_data(
        as_text=True)
    assert enter(coordinator, w.station, w.mazhilis, 2, second, comment="Так читается с фото").status_code == 302
    copy = _copy(db, w)
    assert copy.state == "second" and copy.version == 0
    page = coordinator.get(base(w.station, w.mazhilis)).get_data(as_text=True)
    assert "Расхождения двух вводов" in page and "первый ввод 231, второй 213" in page
    # A settlement needs a reason; then it is kept with who and when.
    refused = post(coordinator, f"/tally/copies/{copy.id}/settle", code="party_b", value="231", reason="")
    assert refused.status_code == 302
    assert db.session.query(Settlement).count() == 0
    post(coordinator, f"/tally/copies/{copy.id}/settle", code="party_b", value="231", reason="На фото 231")
    assert _copy(db, w).state == "second"  # one line is still open
    post(coordinator, f"/tally/copies/{copy.id}/settle", code="invalid", value="32", reason="На фото 32, не 23")
    copy = _copy(db, w)
    assert copy.state == "reconciled" and copy.version == 1
    version = db.session.scalar(select(ProtocolVersion))
    assert version.source == "settled" and version.values["party_b"] == 231 and version.values["invalid"] == 32
    settlement = db.session.scalar(select(Settlement).filter_by(line_code="invalid"))
    assert settlement.settled_by_id == w.coordinator.id and settlement.reason == "На фото 32, не 23"
    assert (settlement.first_value, settlement.second_value, settlement.value) == (23, 32, 32)
    assert settlement.created_at is not None


def test_agreeing_entries_reconcile_at_once_and_the_first_author_cannot_enter_second(app, db, world):
    w = world
    _first(app, db, w)
    admin = client_for(app, w.admin)
    _first_author_refused = client_for(app, w.consultant).get(f"{base(w.station, w.mazhilis)}/enter/2")
    assert "Второй ввод делает пульт по фото" in _first_author_refused.get_data(as_text=True)
    assert enter(admin, w.station, w.mazhilis, 2, CLEAN).status_code == 302
    copy = _copy(db, w)
    assert copy.state == "reconciled" and copy.versions[0].source == "agreed"
    assert enter(client_for(app, w.coordinator), w.station, w.mazhilis, 2, CLEAN).status_code == 200  # refused
    assert db.session.query(ProtocolEntry).filter_by(round=2).count() == 1


def test_consultant_again_blind_when_the_center_chooses(app, db, make, photo_dir):
    w = make_world(db, make, second_entry="consultant")
    consultant = _first(app, db, w)
    coordinator = client_for(app, w.coordinator)
    assert "делает консультант участка" in coordinator.get(f"{base(w.station, w.mazhilis)}/enter/2").get_data(
        as_text=True)
    form = consultant.get(f"{base(w.station, w.mazhilis)}/enter/2").get_data(as_text=True)
    assert 'value="602"' not in form
    page = consultant.get(base(w.station, w.mazhilis)).get_data(as_text=True)
    assert "скрыто до второго ввода" in page and ">602<" not in page  # not even to its author
    assert enter(consultant, w.station, w.mazhilis, 2, figures(outside=41)).status_code == 302
    copy = _copy(db, w)
    assert copy.state == "second"
    entries = {e.round: e for e in copy.entries}
    assert entries[2].channel == "consultant" and entries[2].entered_by_id == w.consultant.id


def test_desk_enters_on_behalf_marked_as_such(app, db, world):
    w = world
    coordinator = client_for(app, w.coordinator)
    upload_photos(coordinator, w.other, w.mazhilis)
    html = enter(coordinator, w.other, w.mazhilis, 1, CLEAN).get_data(as_text=True)
    assert "Укажите, откуда фото копии" in html
    response = enter(coordinator, w.other, w.mazhilis, 1, CLEAN, source_note="Наблюдатель партии, WhatsApp",
                     on_behalf_of=str(w.consultant.id))
    assert response.status_code == 302
    entry = db.session.scalar(select(ProtocolEntry))
    assert entry.channel == "behalf" and entry.source_note == "Наблюдатель партии, WhatsApp"
    assert entry.on_behalf_of_id == w.consultant.id and entry.entered_by_id == w.coordinator.id
    page = client_for(app, w.admin).get(base(w.other, w.mazhilis)).get_data(as_text=True)
    assert "скрыто до второго ввода" in page
    assert enter(client_for(app, w.admin), w.other, w.mazhilis, 2, CLEAN).status_code == 302
    page = coordinator.get(base(w.other, w.mazhilis)).get_data(as_text=True)
    assert "пульт за консультанта (фото получено иначе)" in page


def test_corrections_make_new_versions_and_keep_the_old(app, db, world):
    w = world
    consultant = _first(app, db, w, figures(outside=15))
    # Before the second entry the author may correct their own entry: a new version of round 1.
    assert enter(consultant, w.station, w.mazhilis, 1, CLEAN).status_code == 302
    assert [e.version for e in _copy(db, w).entries] == [1, 2]
    enter(client_for(app, w.coordinator), w.station, w.mazhilis, 2, CLEAN)
    copy = _copy(db, w)
    assert copy.state == "reconciled"
    admin = client_for(app, w.admin)
    assert "исправление вносит центр" in consultant.get(f"{base(w.station, w.mazhilis)}/enter/1").get_data(
        as_text=True)
    from .tally_helpers import form_of
    response = post(admin, f"/tally/copies/{copy.id}/correct", reason="Исправленный протокол комиссии",
                    **form_of(figures(against_all=45, in_boxes=1102)))
    assert response.status_code == 302
    copy = _copy(db, w)
    assert copy.version == 2 and [v.values["against_all"] for v in copy.versions] == [44, 45]
    assert copy.versions[1].source == "correction" and copy.versions[1].reason == "Исправленный протокол комиссии"
    assert post(client_for(app, w.coordinator), f"/tally/copies/{copy.id}/correct", reason="x").status_code == 404


def test_entry_marks_protocol_received_on_the_check_in(app, db, world):
    from .voting_helpers import make_day
    w = world
    make_day(db, w.election.date)
    _first(app, db, w)
    checkin = db.session.scalar(select(CheckIn).filter_by(consultant_id=w.consultant.id))
    assert checkin.protocol_at is not None

"""Control relations as data: formulas written as the violation, parsed without eval, refused when they name an
unknown line; each relation on a protocol is OK, flagged, verified on the photo, or missing (never a false flag)."""

import pytest
from sqlalchemy import select

from school.models import ControlRelation, ProtocolCopy, RelationCheck
from school.services import elections, formulas, protocol_status

from .tally_helpers import CLEAN, enter, figures, make_world, post, upload_photos
from .voting_helpers import client_for


def states(contest, values, verified=frozenset()):
    return {s.relation.code: s.state for s in protocol_status.evaluate(elections.compiled(contest), values,
                                                                       set(verified))}


@pytest.fixture
def world(app, db, make, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PROTOCOL_PHOTO_DIR", str(tmp_path))
    return make_world(db, make)


def test_a_clean_protocol_passes_every_relation(world):
    assert set(states(world.mazhilis, CLEAN).values()) == {"ok"}


@pytest.mark.parametrize("changes,flagged", [
    ({"issued": 1860, "cancelled": 10}, {"k1"}),  # more ballots issued than voters on the list
    ({"in_boxes": 1150, "invalid": 72}, {"k3"}),  # the boxes held more than was issued
    ({"party_a": 612}, {"k4"}),  # votes and invalid ballots do not add up to the boxes
    ({"outside": 1200}, {"k5"}),
    ({"invalid": 130, "party_a": 495}, {"k6"}),  # over 10 % invalid (the sum still holds)
    ({"cancelled": 760}, {"k2"}),  # eight ballots neither issued nor cancelled: a warning
])
def test_real_looking_violations_are_flagged(world, changes, flagged):
    result = states(world.mazhilis, figures(**changes))
    assert {code for code, state in result.items() if state == "flagged"} == flagged


def test_an_empty_line_is_missing_never_a_flag(world):
    result = states(world.mazhilis, figures(invalid=None, outside=None))
    assert result["k4"] == result["k6"] == result["k5"] == "missing"
    assert result["k1"] == result["k3"] == "ok"
    assert states(world.mazhilis, None) == {f"k{n}": "missing" for n in range(1, 7)}
    # a division by zero cannot be checked either
    relation = formulas.parse("invalid / in_boxes > 0.1", ["invalid", "in_boxes"])
    assert relation.evaluate({"invalid": 5, "in_boxes": 0}) is None


@pytest.mark.parametrize("text", [
    "__import__('os').system('id') > 0", "issued.real > 1", "issued[0] > 1", "issued ** 2 > 1",
    "(lambda: 1)() > 0", "issued", "'a' > issued", "issued if voters else 1 > 0", "open('x') > 0",
])
def test_anything_but_arithmetic_comparison_and_logic_is_refused(text):
    with pytest.raises(formulas.FormulaError):
        formulas.parse(text, ["issued", "voters"])


def test_spellings_people_type_are_accepted():
    relation = formulas.parse("issued ≠ voters", ["issued", "voters"])
    assert relation.text == "issued != voters"
    assert formulas.parse("a = b", ["a", "b"]).text == "a == b"
    assert formulas.parse("abs(a - b) ≥ 3 and not a < 0", ["a", "b"]).evaluate({"a": 10, "b": 6}) is True


def test_a_formula_naming_an_unknown_line_is_refused_when_saved(app, db, world):
    admin = client_for(app, world.admin)
    url = f"/tally/contests/{world.mazhilis.id}/relations"
    html = post(admin, url, code="k9", formula="issued > voterz", message="Опечатка", severity="error",
                active="y").get_data(as_text=True)
    assert "Неизвестная строка протокола: voterz" in html
    assert db.session.scalar(select(ControlRelation).filter_by(code="k9")) is None
    assert post(admin, url, code="k9", formula="issued > voters * 1.01", message="Выдано сверх списка",
                severity="warning", active="y").status_code == 302
    saved = db.session.scalar(select(ControlRelation).filter_by(code="k9"))
    assert saved.formula == "issued > voters * 1.01" and saved.severity == "warning"
    # an edit is checked the same way, and a refused edit changes nothing
    post(admin, f"/tally/relations/{saved.id}", formula="issued > nobody", message="x", severity="error")
    db.session.expire_all()
    assert db.session.get(ControlRelation, saved.id).formula == "issued > voters * 1.01"
    # a line a relation uses cannot be deleted
    line = next(x for x in world.mazhilis.lines if x.code == "voters")
    post(admin, f"/tally/lines/{line.id}/delete")
    db.session.expire_all()
    assert any(x.code == "voters" for x in db.session.get(type(world.mazhilis), world.mazhilis.id).lines)


def test_a_relation_checked_on_the_photo_is_verified_until_a_new_version(app, db, world):
    w = world
    consultant = client_for(app, w.consultant)
    upload_photos(consultant, w.station, w.mazhilis)
    wrong = figures(party_a=612)
    enter(consultant, w.station, w.mazhilis, 1, wrong, comment="так в копии")
    enter(client_for(app, w.coordinator), w.station, w.mazhilis, 2, wrong, comment="так в копии")
    copy = db.session.scalar(select(ProtocolCopy))
    assert copy.state == "reconciled"
    by_code = {s.relation.code: s for s in protocol_status.relation_states(db.session, copy)}
    assert by_code["k4"].state == "flagged"
    coordinator = client_for(app, w.coordinator)
    post(coordinator, f"/tally/copies/{copy.id}/verify", relation_id=str(by_code["k4"].relation.id),
         comment="На фото 612: сумма в копии не сходится")
    db.session.expire_all()
    copy = db.session.get(ProtocolCopy, copy.id)
    assert {s.relation.code: s.state for s in protocol_status.relation_states(db.session, copy)}["k4"] == "verified"
    check = db.session.scalar(select(RelationCheck))
    assert check.verified_by_id == w.coordinator.id and check.version == 1
    # A correction is a new version: the check was made on version 1 and no longer applies.
    from .tally_helpers import form_of
    post(client_for(app, w.admin), f"/tally/copies/{copy.id}/correct", reason="Исправленный протокол",
         **form_of(figures(party_a=613)))
    db.session.expire_all()
    copy = db.session.get(ProtocolCopy, copy.id)
    assert copy.version == 2
    assert {s.relation.code: s.state for s in protocol_status.relation_states(db.session, copy)}["k4"] == "flagged"

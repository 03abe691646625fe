"""Flags for the center: failed relations, a turnout far from the district's median (configurable), three or
more lines identical to another station's; and the official figures imported and compared line by line."""

import re

import pytest
from sqlalchemy import select

from school.models import OfficialResult
from school.services import tally, tally_flags

from .tally_helpers import figures, make_world, post, seed
from .voting_helpers import client_for


def at_turnout(voters: int, percent: int, shift: int = 0) -> dict:
    """Consistent figures for a station with this turnout (shift makes lines differ between stations)."""
    issued = voters * percent // 100
    votes = [issued * 50 // 100 + shift, issued * 20 // 100, issued * 12 // 100, issued * 8 // 100]
    invalid = 11 + shift % 7
    against = issued - sum(votes) - invalid
    return {"voters": voters, "received": voters + 20, "issued": issued, "outside": 3 + shift % 5,
            "cancelled": voters + 20 - issued, "in_boxes": issued, "invalid": invalid, "party_a": votes[0],
            "party_b": votes[1], "party_c": votes[2], "party_d": votes[3], "against_all": against}


@pytest.fixture
def district(app, db, make, tmp_path, monkeypatch):
    """Six stations of one district, agreed, turnout 55–60 %, except № 506 at 92 %."""
    monkeypatch.setitem(app.config, "PROTOCOL_PHOTO_DIR", str(tmp_path))
    w = make_world(db, make)
    stations = [w.station, w.other] + [make.station(w.team, number=n) for n in (503, 504, 505, 506)]
    second = make.user("admin", name="Второй оператор")
    for n, (station, turnout) in enumerate(zip(stations, (55, 57, 58, 60, 56, 92), strict=True)):
        seed(db, station, w.mazhilis, at_turnout(1500 + 37 * n, turnout, shift=n), w.admin, second)
    return w, stations, second


def flagged_by_station(db, w, rules=None):
    rules = rules or tally_flags.Rules()
    rows = tally.load(db.session, w.mazhilis)
    return {f.row.number: [flag.kind for flag in f.flags] for f in tally_flags.flags(w.mazhilis, rows, rules)}


def test_clean_district_flags_only_the_turnout_outlier(db, district):
    w, stations, _ = district
    assert flagged_by_station(db, w) == {506: ["turnout"]}


def test_turnout_threshold_is_configurable(app, db, district, monkeypatch):
    w, _, _ = district
    assert flagged_by_station(db, w, tally_flags.Rules(turnout_points=40)) == {}
    monkeypatch.setitem(app.config, "TALLY_TURNOUT_POINTS", 40.0)
    html = client_for(app, w.admin).get(f"/tally/center?contest={w.mazhilis.id}").get_data(as_text=True)
    assert "Участки с флагами: 0" in html


def test_three_identical_lines_flag_both_stations(db, make, district):
    w, stations, second = district
    copied = at_turnout(1500, 55, shift=0)  # station 501's figures…
    copied.update(voters=1777, received=1797, cancelled=1797 - copied["issued"])  # …with three lines of its own
    extra = make.station(w.team, number=507)
    seed(db, extra, w.mazhilis, copied, w.admin, second)
    flags = flagged_by_station(db, w)
    assert "identical" in flags[501] and "identical" in flags[507]
    texts = [f.text for f in tally_flags.flags(w.mazhilis, tally.load(db.session, w.mazhilis), tally_flags.Rules())
             if f.row.number == 507 for f in f.flags]
    assert any("совпадают с участком № 501" in t for t in texts)


def test_small_equal_numbers_are_not_a_copy(db, make, district):
    w, _, second = district
    # Lines below the minimum value (outside, a few invalid) coincide by chance: not flagged.
    values = at_turnout(1900, 57, shift=11)
    values.update(outside=3, invalid=5, against_all=values["against_all"] + values["invalid"] - 5)
    seed(db, make.station(w.team, number=508), w.mazhilis, values, w.admin, second)
    assert "identical" not in flagged_by_station(db, w).get(508, [])


def test_failed_relation_and_first_entries_are_flagged_rejected_are_not(app, db, make, district):
    w, stations, second = district
    broken = make.station(w.team, number=509)
    seed(db, broken, w.mazhilis, figures(issued=1860, cancelled=10), w.admin)  # first entry only: still looked at
    flags = flagged_by_station(db, w)
    assert flags[509] == ["relation"]  # its turnout (100 %) is not compared before the blind second entry
    texts = [f.text for f in tally_flags.flags(w.mazhilis, tally.load(db.session, w.mazhilis), tally_flags.Rules())
             if f.row.number == 509 for f in f.flags]
    assert texts == ["Бюллетеней выдано больше, чем избирателей в списке (по первому вводу, не сверено)"]
    rejected = seed(db, make.station(w.team, number=510), w.mazhilis, figures(issued=1860, cancelled=10),
                    w.admin, second)
    post(client_for(app, w.admin), f"/tally/copies/{rejected.id}/verdict", verdict="rejected", comment="Не та копия")
    assert 510 not in flagged_by_station(db, w)


def official_csv(rows: list[tuple]) -> bytes:
    codes = list(figures())
    lines = ["район;участок;протокол;" + ";".join(codes)]
    for district, number, contest, values in rows:
        lines.append(f"{district};{number};{contest};" + ";".join(str(values.get(c, "")) for c in codes))
    return ("\ufeff" + "\n".join(lines)).encode()


def upload(client, data: bytes, name="official.csv"):
    import io

    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import encode_multipart

    from .conftest import csrf_from
    token = csrf_from(client.get("/tally/official"))
    boundary, body = encode_multipart(MultiDict([("csrf_token", token),
                                                 ("file", FileStorage(io.BytesIO(data), filename=name))]))
    return client.post("/tally/official", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_official_figures_compared_line_by_line(app, db, make, district):
    w, stations, second = district
    pending = make.station(w.team, number=511)
    seed(db, pending, w.mazhilis, at_turnout(1500, 50), w.admin)  # our protocol is not agreed yet
    name = w.team.district.name
    ours = {s.number: at_turnout(1500 + 37 * n, t, shift=n)
            for n, (s, t) in enumerate(zip(stations, (55, 57, 58, 60, 56, 92), strict=True))}
    official = {number: dict(values) for number, values in ours.items()}
    official[503]["party_a"] += 40
    official[503]["party_b"] -= 40
    official[506]["issued"] -= 300
    rows = [(name, n, "mazhilis", v) for n, v in official.items()] + [(name, 511, "mazhilis", at_turnout(1500, 50))]
    admin = client_for(app, w.admin)
    bad = upload(admin, official_csv(rows + [(name, 999, "mazhilis", {}), (name, 501, "senate", {})]))
    html = bad.get_data(as_text=True)
    assert "строка 9: не найден участок" in html and "строка 10: не найден протокол (код)" in html
    assert db.session.scalar(select(OfficialResult)) is None  # a file with errors imports nothing
    ok = upload(admin, official_csv(rows))
    assert ok.status_code == 302, re.findall(r'role="alert">(.*?)</div>', ok.get_data(as_text=True), re.S)
    page = admin.get(f"/tally/official?contest={w.mazhilis.id}").get_data(as_text=True)
    assert "Совпадают во всех строках: <strong>4</strong>" in page and "наш протокол не сверен: 1" in page
    assert "Строк с расхождением: <strong>3</strong>" in page and "+40" in page and "-300" in page
    csv = admin.get(f"/tally/official/differences.csv?contest={w.mazhilis.id}")
    assert csv.headers["Cache-Control"] == "no-store"
    lines = csv.get_data(as_text=True).splitlines()
    assert len(lines) == 4 and any(";503;" in line and "Партия «Пример-А»" in line and line.endswith(";40")
                                   for line in lines)
    # importing again replaces the station's official figures, never duplicates them
    assert upload(admin, official_csv(rows)).status_code == 302
    assert db.session.query(OfficialResult).count() == 7

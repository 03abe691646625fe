"""The center's tally: totals and shares by district and for the city, turnout, what is left out of the totals
and why (never silently), combined contests, and the exports; what coordinators see of their stations."""

import pytest

from school.services import protocol_status, tally

from .tally_helpers import figures, make_world, seed
from .voting_helpers import client_for


@pytest.fixture
def city(app, db, make, tmp_path, monkeypatch):
    """The world's team (district 1, stations 501–504) and a second district with one station (601)."""
    monkeypatch.setitem(app.config, "PROTOCOL_PHOTO_DIR", str(tmp_path))
    w = make_world(db, make)
    extra = [make.station(w.team, number=n) for n in (503, 504)]
    far_team = make.team()
    far = make.station(far_team, number=601)
    second_admin = make.user("admin", name="Второй оператор")
    return w, [w.station, w.other, *extra], far, second_admin


def test_totals_turnout_and_shares_by_district_and_city(app, db, city):
    w, near, far, admin2 = city
    seed(db, near[0], w.mazhilis, figures(), w.admin, admin2)  # 1,850 voters, 1,102 received ballots
    seed(db, near[1], w.mazhilis, figures(voters=2000, received=2020, issued=1000, cancelled=1020, in_boxes=1000,
                                          invalid=20, party_a=500, party_b=250, party_c=130, party_d=60,
                                          against_all=40), w.admin, admin2)
    seed(db, far, w.mazhilis, figures(), w.admin, admin2)
    quarantined = seed(db, near[2], w.mazhilis, figures(party_a=9999), w.admin, admin2)
    protocol_status.set_quarantine(db.session, quarantined, w.admin, True, "Подозрение на подмену копии")
    seed(db, near[3], w.maslikhat, figures(), w.admin)  # another contest: not in this one's totals
    db.session.commit()
    result = tally.totals(w.mazhilis, tally.load(db.session, w.mazhilis))
    city_totals = result.city
    assert city_totals.stations == 5 and city_totals.counted == 3 and city_totals.not_in == 2
    assert city_totals.quarantined == 1 and city_totals.states["none"] == 1
    assert city_totals.sums["issued"] == 1102 * 2 + 1000 and city_totals.sums["voters"] == 1850 * 2 + 2000
    assert city_totals.turnout == pytest.approx(100 * 3204 / 5700)
    shares = city_totals.shares(result.choices)
    assert shares["party_a"] == pytest.approx(100 * 1704 / (1078 * 2 + 980))
    assert sum(shares.values()) == pytest.approx(100)
    near_district, far_district = result.districts
    assert (near_district.stations, near_district.counted, far_district.counted) == (4, 2, 1)
    assert far_district.turnout == pytest.approx(100 * 1102 / 1850)
    html = client_for(app, w.admin).get(f"/tally/center?contest={w.mazhilis.id}").get_data(as_text=True)
    assert "в итогах: <strong>3</strong>" in html and "не в итогах: <strong>2</strong>" in html
    assert "56,2 %" in html and "в карантине: 1" in html


def test_rejected_copy_never_counts_and_is_said_so(app, db, city):
    w, near, far, admin2 = city
    copy = seed(db, near[0], w.mazhilis, figures(), w.admin, admin2)
    admin = client_for(app, w.admin)
    from .tally_helpers import post
    post(admin, f"/tally/copies/{copy.id}/verdict", verdict="rejected", comment="")  # a reason is required
    db.session.expire_all()
    assert db.session.get(type(copy), copy.id).verdict is None
    post(admin, f"/tally/copies/{copy.id}/verdict", verdict="rejected", comment="Фото другого участка")
    result = tally.totals(w.mazhilis, tally.load(db.session, w.mazhilis)).city
    assert result.counted == 0 and result.rejected == 1 and result.sums["voters"] == 0


def test_combined_contests_are_separate_protocols_of_one_station(app, db, city):
    w, near, far, admin2 = city
    seed(db, near[0], w.mazhilis, figures(), w.admin, admin2)
    seed(db, near[0], w.maslikhat, figures(party_a=600, party_b=233), w.admin, admin2)
    db.session.commit()
    mazhilis = tally.totals(w.mazhilis, tally.load(db.session, w.mazhilis)).city
    maslikhat = tally.totals(w.maslikhat, tally.load(db.session, w.maslikhat)).city
    assert mazhilis.sums["party_a"] == 602 and maslikhat.sums["party_a"] == 600
    html = client_for(app, w.coordinator).get("/tally").get_data(as_text=True)
    assert w.mazhilis.title in html and w.maslikhat.title in html
    assert html.count("сверен") >= 2  # both protocols of station 501 are in


def test_protocols_csv_every_line_scoped_and_neutralised(app, db, make, city):
    w, near, far, admin2 = city
    far.district.name = "=HYPERLINK(\"http://x\")"
    seed(db, near[0], w.mazhilis, figures(), w.admin, admin2)
    seed(db, far, w.mazhilis, figures(), w.admin, admin2)
    seed(db, near[1], w.mazhilis, figures(voters=1777), w.admin)  # first entry only: its figures stay out
    admin = client_for(app, w.admin).get(f"/tally/protocols.csv?contest={w.mazhilis.id}")
    assert admin.headers["Cache-Control"] == "no-store" and "attachment" in admin.headers["Content-Disposition"]
    text = admin.get_data(as_text=True)
    header = text.splitlines()[0]
    assert all(f"({code})" in header for code in figures())
    assert "'=HYPERLINK" in text and "1850" in text and "1777" not in text and "не сверены" in text
    coordinator = client_for(app, w.coordinator).get(f"/tally/protocols.csv?contest={w.mazhilis.id}")
    lines = coordinator.get_data(as_text=True).splitlines()
    assert len(lines) == 1 + len(near) and not any(";601;" in line for line in lines)


def test_coordinator_sees_team_stations_with_flags_and_the_photo(app, db, city):
    w, near, far, admin2 = city
    seed(db, near[0], w.mazhilis, figures(party_a=612), w.admin, admin2)  # k4 fails
    seed(db, far, w.mazhilis, figures(), w.admin, admin2)
    coordinator = client_for(app, w.coordinator)
    html = coordinator.get("/tally").get_data(as_text=True)
    assert "№ 501" in html and "№ 601" not in html and "is-flagged" in html
    assert "не равны числу бюллетеней из урн" in html
    page = coordinator.get(f"/tally/stations/{near[0].id}/contests/{w.mazhilis.id}").get_data(as_text=True)
    assert "/tally/photos/" in page and "Копия протокола, фото 1" in page and "Сверено, версия 1" in page
    assert coordinator.get(f"/tally/stations/{far.id}/contests/{w.mazhilis.id}").status_code == 404
    card = coordinator.get(f"/tally/stations/{near[0].id}/card").get_data(as_text=True)
    assert "Копия протокола, фото 2" in card and "соотношение: Голоса и недействительные" in card
    assert coordinator.get(f"/tally/stations/{far.id}/card").status_code == 404


def test_the_election_date_drives_the_countdown_and_the_voting_day(app, db, make):
    from datetime import date, timedelta

    from school.services import example_election, voting_day
    team = make.team()
    coordinator = make.user("coordinator", team=team)
    client = client_for(app, coordinator)
    default = date.fromisoformat(app.config["ELECTION_DATE"])
    assert f"({default:%d.%m.%Y})" in client.get(f"/teams/{team.id}").get_data(as_text=True)  # the configured one
    when = voting_day.today() + timedelta(days=30)
    example_election.create(db.session, None, when)
    db.session.commit()
    html = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert f"({when:%d.%m.%Y}): <strong>30 дн.</strong>" in html
    days = client_for(app, make.user("admin")).get("/desk/days").get_data(as_text=True)
    assert f'value="{when.isoformat()}"' in days  # a new voting day starts from the election's date

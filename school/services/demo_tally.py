"""Demo tally for `make run`: the example election (services/example_election.py: an example, not the official
form) dated the day of the first run, and protocols of brigades 1–2 in every state: agreed, waiting for the
second entry, a conflict half settled, a failed relation checked on the photo, entered on someone's behalf, a
turnout outlier, a copy of another station's figures, quarantined, rejected; official figures with two
stations that differ. Created once, through the same services the pages use; the photos are drawn pages."""

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from ..models import Election, PollingStation, User
from . import example_election, official, protocol_copies, protocol_entry, protocol_status, reconcile, voting_day

# station: (turnout %, what happens to the Mazhilis protocol); the maslikhat one is simply agreed where listed
SCENARIO = {
    201: (55, "agreed"), 202: (58, "conflict"), 203: (57, "verified"), 204: (54, "first"), 205: (60, "behalf"),
    206: (93, "agreed"), 207: (56, "quarantined"), 208: (61, "agreed"), 209: (61, "copied"),
    210: (52, "rejected"), 211: (59, "agreed"), 212: (53, "agreed"), 213: (57, "agreed"),
}
MASLIKHAT_AGREED = (201, 202, 203, 205, 208, 211)


def figures(rng: random.Random, turnout: int) -> dict:
    """Consistent figures of a station of 1,300–2,600 voters (every relation of the example holds)."""
    voters = rng.randint(1300, 2600)
    received = voters + voters // 100 + rng.randint(0, 9)  # a reserve of about 1 % (Art. 37)
    issued = round(voters * (turnout + rng.uniform(-0.5, 0.5)) / 100)
    in_boxes = issued - rng.randint(0, 2)
    invalid = rng.randint(8, 30)
    weights = [rng.uniform(45, 60), rng.uniform(12, 20), rng.uniform(8, 14), rng.uniform(4, 8), rng.uniform(2, 6)]
    votes = [int((in_boxes - invalid) * w / sum(weights)) for w in weights[:4]]
    return {"voters": voters, "received": received, "issued": issued, "outside": rng.randint(3, 35),
            "cancelled": received - issued, "in_boxes": in_boxes, "invalid": invalid, "party_a": votes[0],
            "party_b": votes[1], "party_c": votes[2], "party_d": votes[3],
            "against_all": in_boxes - invalid - sum(votes)}


def _font(size: int):
    for folder in ("/usr/share/fonts/truetype/dejavu",):
        path = Path(folder) / "DejaVuSans.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


def page_photo(contest, station_number: int, values: dict, page: int) -> bytes:
    """A drawn page of the example protocol with the figures, as a phone would send it."""
    image = Image.new("RGB", (900, 1270), (248, 246, 238))
    draw, font, small = ImageDraw.Draw(image), _font(26), _font(20)
    draw.text((40, 40), f"ПРОТОКОЛ (пример) · участок № {station_number}", fill=(20, 20, 20), font=font)
    draw.text((40, 80), f"{contest.title} · стр. {page}/{contest.pages}", fill=(60, 60, 60), font=small)
    half = (len(contest.lines) + 1) // 2
    lines = contest.lines[:half] if page == 1 else contest.lines[half:]
    for n, line in enumerate(lines):
        y = 150 + n * 80
        draw.text((40, y), f"{line.number}. {line.title}"[:58], fill=(30, 30, 30), font=small)
        draw.text((720, y), str(values.get(line.code, "")), fill=(10, 10, 120), font=font)
    draw.text((40, 1180), "Председатель ______   Секретарь ______   М.П.", fill=(60, 60, 60), font=small)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class _Demo:
    def __init__(self, session, election: Election, photo_dir: str):
        self.session, self.election, self.photo_dir = session, election, photo_dir
        self.admin = session.scalar(select(User).filter_by(login="admin"))

    def user(self, login: str) -> User:
        return self.session.scalar(select(User).filter_by(login=login))

    def who(self, user: User, station) -> protocol_entry.Who:
        own = user.role == "consultant" and user.polling_station_id == station.id
        return protocol_entry.Who(user, own, protocol_copies.is_desk_for(user, station))

    def enter(self, station, contest, values, first_by: User, second_by: User | None, second=None, comment=""):
        copy = protocol_copies.locked(self.session, station, contest)
        pages = [page_photo(contest, station.number, values, p) for p in range(1, contest.pages + 1)]
        protocol_copies.add_photos(self.session, copy, pages, first_by.id, self.photo_dir)
        note = "" if first_by.role == "consultant" else "Фото прислал наблюдатель партии «Пример-Б» в мессенджере"
        protocol_entry.enter(self.session, copy, 1, self.who(first_by, station),
                             protocol_entry.Entry(values, comment, None, note), "desk")
        if second_by is not None:
            protocol_entry.enter(self.session, copy, 2, self.who(second_by, station),
                                 protocol_entry.Entry(second or values, comment), "desk")
        return copy


def seed_tally(session, photo_dir: str) -> Election | None:
    """Once, when the demo district exists and no election has been set up."""
    if session.scalar(select(Election.id).limit(1)) or not session.scalar(select(User.id).filter_by(login="admin")):
        return None
    stations = {s.number: s for s in session.scalars(select(PollingStation).where(
        PollingStation.number.in_(SCENARIO)))}
    if len(stations) < len(SCENARIO):
        return None
    election = example_election.create(session, None, voting_day.today())
    demo, rng = _Demo(session, election, photo_dir), random.Random(2027)  # noqa: S311  # nosec B311 (demo data)
    mazhilis, maslikhat = election.contests
    agreed = {}
    for number, (turnout, what) in SCENARIO.items():
        station = stations[number]
        brigade = 1 if number <= 207 else 2
        consultant = demo.user(f"consultant{brigade}-{number - (200 if brigade == 1 else 207)}")
        coordinator = demo.user(f"coordinator{brigade}")
        values = agreed[208] | {"outside": 9} if what == "copied" else figures(rng, turnout)
        _mazhilis(demo, station, mazhilis, values, what, consultant, coordinator)
        if what in ("agreed", "copied", "verified", "behalf", "quarantined", "rejected"):
            agreed[number] = values
        if number in MASLIKHAT_AGREED:
            demo.enter(station, maslikhat, figures(rng, turnout), consultant, coordinator)
    _official(session, election, agreed, demo.admin)
    session.commit()
    return election


def _mazhilis(demo: _Demo, station, contest, values, what, consultant, coordinator) -> None:
    s = demo.session
    if what == "first":
        demo.enter(station, contest, values, consultant, None)
    elif what == "behalf":
        demo.enter(station, contest, values, coordinator, demo.admin)
    elif what == "conflict":
        copy = demo.enter(station, contest, values, consultant, coordinator,
                          second=values | {"party_b": values["party_b"] - 18, "invalid": values["invalid"] + 9},
                          comment="Цифры как в копии")
        reconcile.settle(s, copy, [x.code for x in contest.lines], coordinator, "party_b", str(values["party_b"]),
                         "На фото ясно видно: первая цифра 1, не 7")
    elif what == "verified":
        wrong = values | {"party_a": values["party_a"] + 10}
        copy = demo.enter(station, contest, wrong, consultant, coordinator,
                          comment="В копии сумма голосов на 10 больше, чем бюллетеней в урнах")
        k4 = next(r for r in contest.relations if r.code == "k4")
        protocol_status.verify(s, copy, coordinator, k4.id, "На фото так и написано: нужен акт и жалоба в ТИК")
    else:
        copy = demo.enter(station, contest, values, consultant, coordinator)
        if what == "quarantined":
            protocol_status.set_quarantine(s, copy, demo.admin, True, "На копии нет печати комиссии: выясняем")
        if what == "rejected":
            protocol_status.set_verdict(s, copy, demo.admin, "rejected", "Фото копии другого участка")


def _official(session, election: Election, agreed: dict, admin: User) -> None:
    """Official figures of the Mazhilis protocol equal to the copies, except at two stations; at 203 the copy
    itself had ten votes too many (the verified relation), which the official table does not have either."""
    mazhilis = election.contests[0]
    district = session.scalar(select(PollingStation).filter_by(number=201)).district.name
    codes = [x.code for x in mazhilis.lines]
    rows = []
    for number, values in agreed.items():
        theirs = dict(values)
        if number == 201:
            theirs["party_a"], theirs["party_d"] = theirs["party_a"] - 35, theirs["party_d"] + 35
        if number == 211:
            theirs["issued"] += 120
        rows.append(";".join([district, str(number), mazhilis.code] + [str(theirs[c]) for c in codes]))
    data = "\n".join([";".join(["район", "участок", "протокол", *codes]), *rows]).encode()
    official.import_file(session, admin.id, election, "demo-official.csv", data)

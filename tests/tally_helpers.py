"""Builders for tally tests: the example election (two contests, twelve lines, six relations), a team with
stations, people, a protocol photo, real-looking figures that pass every relation, and entry through the pages."""

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from school.models import Contest, Election, PollingStation, User
from school.services import example_election, voting_day

from .conftest import csrf_from

# A station of about 1,850 voters where every relation of the example holds:
# issued + cancelled = received; in_boxes <= issued; invalid + votes = in_boxes; invalid < 10 % of in_boxes.
CLEAN = {"voters": 1850, "received": 1870, "issued": 1102, "outside": 14, "cancelled": 768, "in_boxes": 1101,
         "invalid": 23, "party_a": 602, "party_b": 231, "party_c": 140, "party_d": 61, "against_all": 44}


def figures(**changes) -> dict:
    return {**CLEAN, **changes}


def form_of(values: dict, **extra) -> dict:
    """Form fields for an entry: «line-<code>», empty for None."""
    return {**{f"line-{code}": "" if v is None else str(v) for code, v in values.items()}, **extra}


def protocol_jpeg(size=(900, 1270)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 245)).save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class World:
    election: Election
    mazhilis: Contest
    maslikhat: Contest
    team: object
    station: PollingStation  # the consultant's own
    other: PollingStation  # the same team's, not the consultant's
    consultant: User
    coordinator: User
    admin: User


def make_world(db, make, second_entry="desk", when=None) -> World:
    election = example_election.create(db.session, None, when or voting_day.today(), second_entry=second_entry)
    team = make.team()
    station, other = make.station(team, number=501), make.station(team, number=502)
    consultant = make.user("consultant", team=team, station=station, name="Консультант Участка")
    coordinator = make.user("coordinator", team=team, name="Координатор Бригады")
    admin = make.user("admin", name="Центр")
    db.session.commit()
    mazhilis, maslikhat = election.contests
    return World(election, mazhilis, maslikhat, team, station, other, consultant, coordinator, admin)


def post(client, url, **data):
    token = csrf_from(client.get("/account/password"))
    return client.post(url, data={"csrf_token": token, **data})


def base(station, contest) -> str:
    return f"/tally/stations/{station.id}/contests/{contest.id}"


def upload_photos(client, station, contest, count=2, photo=None):
    token = csrf_from(client.get("/account/password"))
    fields = [("csrf_token", token)] + [
        ("photos", FileStorage(io.BytesIO(photo or protocol_jpeg()), filename=f"page{n}.jpg",
                               content_type="image/jpeg")) for n in range(count)]
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post(f"{base(station, contest)}/photos", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def enter(client, station, contest, round_, values, **extra):
    return post(client, f"{base(station, contest)}/enter/{round_}", **form_of(values, **extra))


def seed(db, station, contest, values, first_by, second_by=None, second=None, photo_dir=None):
    """A protocol entered through the services (as the desk, from photos rows): round 1, and round 2 when a
    second person is given (the same figures unless `second` says otherwise). The photos' files are written
    only when a folder is given. Returns the copy."""
    from uuid import uuid4

    from school.models import ProtocolPhoto
    from school.services import protocol_copies, protocol_entry

    copy = protocol_copies.locked(db.session, station, contest)
    for page in range(1, contest.pages + 1):
        name = f"{uuid4().hex}.jpg"
        copy.photos.append(ProtocolPhoto(page=page, file_name=name, sha256="0" * 64, original_sha256="0" * 64,
                                         width=900, height=1270, size=1))
        if photo_dir:
            Path(photo_dir).mkdir(parents=True, exist_ok=True)
            (Path(photo_dir) / name).write_bytes(protocol_jpeg())
    mode = contest.election.second_entry
    protocol_entry.enter(db.session, copy, 1, protocol_entry.Who(first_by, False, True),
                         protocol_entry.Entry(values, "как в копии", None, "фото от наблюдателя"), mode)
    if second_by is not None:
        protocol_entry.enter(db.session, copy, 2, protocol_entry.Who(second_by, False, True),
                             protocol_entry.Entry(second or values, "как в копии"), mode)
    db.session.commit()
    return copy

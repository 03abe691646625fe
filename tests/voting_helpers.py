"""Builders for voting-day tests: a day with expected check-ins, a device token, a report through the API."""

import io
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from school.models import CheckIn, VotingDay
from school.models._types import utcnow
from school.services import checkins, device_tokens, voting_day


def make_day(db, when=None):
    """Today's voting day (Almaty), check-ins for every consultant with a station."""
    day = voting_day.create_day(db.session, None, when or voting_day.today(), "Выборы")
    db.session.commit()
    return day


def arrive(db, day: VotingDay, user):
    checkin = db.session.query(CheckIn).filter_by(voting_day_id=day.id, consultant_id=user.id).one()
    checkins.mark(db.session, checkin, "arrived", user.id, "web", {"Партия «Пример»": 1})
    db.session.commit()
    return checkin


def token_for(db, day, user) -> str:
    arrive(db, day, user)
    token, _, _ = device_tokens.issue(db.session, user, day)
    db.session.commit()
    return token


def report(client, token, station_id, kind="02-case", client_id="a1b2c3d4-0000-4000-8000-000000000001",
           photo=None, environ_base=None, **fields):
    data = {"client_id": client_id, "station_id": str(station_id), "kind": kind, "description": "Не пускают",
            "written_at": (utcnow() - timedelta(minutes=5)).isoformat(), **fields}
    fields = list(data.items())
    if photo is not None:
        fields.append(("photo", FileStorage(io.BytesIO(photo), filename="IMG_0001.jpg", content_type="image/jpeg")))
    # Encoded in memory: the test client spools bodies over 500 KB to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post("/api/reports", data=body, headers={"Authorization": f"Bearer {token}"},
                       content_type=f"multipart/form-data; boundary={boundary}", environ_base=environ_base or {})


def jpeg_with_location(size=(3000, 2000)) -> bytes:
    """A camera-like JPEG with EXIF: camera model and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 9"  # Model
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def client_for(app, user):
    """A client of its own, logged in as this user (for tests that look through several people's eyes)."""
    from .conftest import PASSWORD, csrf_from
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client

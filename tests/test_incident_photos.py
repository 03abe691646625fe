"""Photos of incidents: at most 10 MB, checked by content, re-encoded to ≤ 2 MP JPEG without EXIF or location,
stored outside the web root and served only to those who may see the incident."""

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from school.models import Incident, IncidentPhoto
from school.services import incident_photos

from .voting_helpers import client_for, jpeg_with_location, make_day, report, token_for


@pytest.fixture
def photo_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INCIDENT_PHOTO_DIR", str(tmp_path / "photos"))
    return tmp_path / "photos"


@pytest.fixture
def sender(db, make):
    team = make.team()
    station = make.station(team)
    consultant = make.user("consultant", team=team, station=station)
    return team, station, consultant, token_for(db, make_day(db), consultant)


def test_photo_is_reencoded_without_exif_and_location(client, db, sender, photo_dir, app):
    team, station, consultant, token = sender
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get(0x0110) == "PhoneCam 9"
    assert report(client, token, station.id, photo=original).status_code == 201
    photo = db.session.scalar(select(IncidentPhoto))
    stored = photo_dir / photo.file_name
    assert stored.exists() and Path(app.static_folder).resolve() not in stored.resolve().parents
    data = stored.read_bytes()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.width * image.height <= 2_000_000
    assert (image.width, image.height) == (photo.width, photo.height) and abs(image.width / image.height - 1.5) < 0.01
    assert not image.getexif() and "exif" not in image.info and b"PhoneCam" not in data and b"GPS" not in data
    assert photo.size == len(data) and photo.sha256 != photo.original_sha256


@pytest.mark.parametrize("payload,message", [
    (b"%PDF-1.4 not a photo", "не читается"),
    (b"GIF89a" + b"\x00" * 100, "не читается"),
])
def test_not_a_photo_is_refused_by_content(client, db, sender, photo_dir, payload, message):
    _, station, _, token = sender
    response = report(client, token, station.id, photo=payload)  # sent as IMG_0001.jpg: the name says nothing
    assert response.status_code == 400 and message in response.get_json()["error"]
    assert db.session.scalar(select(Incident)) is None and not any(photo_dir.glob("*")) if photo_dir.exists() else True


def test_other_formats_are_checked_by_content(db, photo_dir):
    out = io.BytesIO()
    Image.new("RGBA", (100, 80), (0, 0, 255, 128)).save(out, "PNG")
    jpeg, width, height = incident_photos.reencode(out.getvalue())
    assert Image.open(io.BytesIO(jpeg)).format == "JPEG" and (width, height) == (100, 80)
    gif = io.BytesIO()
    Image.new("P", (10, 10)).save(gif, "GIF")
    with pytest.raises(incident_photos.PhotoError, match="JPEG, PNG и WEBP"):
        incident_photos.reencode(gif.getvalue())


def test_more_than_10_mb_is_refused(client, db, sender, photo_dir):
    _, station, _, token = sender
    big = jpeg_with_location() + b"\x00" * (10 * 1024 * 1024)
    response = report(client, token, station.id, photo=big)
    assert response.status_code == 400 and "10 МБ" in response.get_json()["error"]
    huge = report(client, token, station.id, photo=b"\x00" * (12 * 1024 * 1024))
    assert huge.status_code == 413  # over the route's body limit: refused before anything reads it
    assert db.session.scalar(select(Incident)) is None


def test_photo_is_served_only_to_those_who_see_the_incident(app, client, db, sender, photo_dir, make):
    team, station, consultant, token = sender
    incident_id = report(client, token, station.id, photo=jpeg_with_location((400, 300))).get_json()["id"]
    url = f"/incidents/{incident_id}/photo"
    assert client.get(url).status_code == 302  # no login
    for user, code in [(make.user("coordinator", team=make.team()), 404),  # another team
                       (make.user("consultant", team=team), 404),  # a teammate who did not send it
                       (make.user("coordinator", team=team), 200), (make.user("admin"), 200), (consultant, 200)]:
        response = client_for(app, user).get(url)
        assert response.status_code == code, user
        if code == 200:
            assert response.mimetype == "image/jpeg" and response.headers["Cache-Control"] == "no-store"
        response.close()

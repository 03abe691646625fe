"""Protocol copies: who may see and enter which station's protocol, the copy's row (created once, locked for
each change), and the photos of its pages (the limits of incident photos: checked by content, re-encoded
without metadata, stored outside the web root)."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..models import (
    CheckIn,
    Contest,
    Election,
    PollingStation,
    ProtocolCopy,
    ProtocolEvent,
    ProtocolPhoto,
    User,
    VotingDay,
)
from ..models._types import utcnow
from . import incident_photos
from .upsert import insert_missing

MAX_PER_UPLOAD = 5
MAX_PHOTOS = 20


class ProtocolError(ValueError):
    """A step on a protocol that cannot be taken; the message is for the person taking it."""


def own_station_ids(session, user: User, election: Election) -> set[int]:
    """A consultant's stations for an election: their station, and those of their check-ins on its voting day."""
    ids = {user.polling_station_id} if user.polling_station_id else set()
    day_id = session.scalar(select(VotingDay.id).filter_by(date=election.date))
    if day_id:
        ids |= set(session.scalars(select(CheckIn.station_id).filter_by(voting_day_id=day_id, consultant_id=user.id)))
    return ids


def is_desk_for(user: User, station: PollingStation) -> bool:
    """The center, or the coordinator of the station's team."""
    return user.role == "admin" or (user.role == "coordinator" and user.team_id is not None
                                    and station.team_id == user.team_id)


def may_see(session, user: User, station: PollingStation, election: Election) -> bool:
    if user.role == "consultant":
        return station.id in own_station_ids(session, user, election)
    return is_desk_for(user, station)


def stations_of(session, user: User, election: Election, district_id: int | None = None) -> list[PollingStation]:
    """The stations a user sees in the tally: their own (consultant), their team's, or all (the center)."""
    stmt = select(PollingStation).options(selectinload(PollingStation.district)).order_by(
        PollingStation.district_id, PollingStation.number)
    if user.role == "consultant":
        stmt = stmt.where(PollingStation.id.in_(own_station_ids(session, user, election) or {-1}))
    elif user.role == "coordinator":
        stmt = stmt.where(PollingStation.team_id == (user.team_id or -1))
    elif user.role != "admin":
        return []
    if district_id:
        stmt = stmt.where(PollingStation.district_id == district_id)
    return list(session.scalars(stmt))


def find(session, station_id: int, contest_id: int) -> ProtocolCopy | None:
    return session.scalar(select(ProtocolCopy).filter_by(station_id=station_id, contest_id=contest_id).options(
        selectinload(ProtocolCopy.photos), selectinload(ProtocolCopy.entries), selectinload(ProtocolCopy.versions)))


def locked(session, station: PollingStation, contest: Contest) -> ProtocolCopy:
    """The copy's row, created if missing (concurrent creators are not an error) and locked for this
    transaction (a no-op UPDATE: a row lock on PostgreSQL, the write lock on SQLite), read afresh."""
    insert_missing(session, ProtocolCopy, ("station_id", "contest_id"), station_id=station.id,
                   contest_id=contest.id, state="none", quarantined=False, version=0, created_at=utcnow(),
                   updated_at=utcnow())
    session.execute(update(ProtocolCopy).where(ProtocolCopy.station_id == station.id,
                                               ProtocolCopy.contest_id == contest.id)
                    .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    copy = session.scalar(select(ProtocolCopy).filter_by(station_id=station.id, contest_id=contest.id)
                          .execution_options(populate_existing=True))
    session.refresh(copy)
    return copy


def event(session, copy: ProtocolCopy, actor_id: int | None, action: str, comment: str = "", **details) -> None:
    session.add(ProtocolEvent(copy_id=copy.id, actor_id=actor_id, action=action, comment=comment, details=details))


def add_photos(session, copy: ProtocolCopy, uploads: list[bytes], actor_id: int, photo_dir: str) -> int:
    """Store the photos as the next pages of the copy; any bad photo stores none of them. Returns how many."""
    uploads = [data for data in uploads if data]
    if not uploads:
        raise ProtocolError("Выберите фото страниц протокола.")
    if len(uploads) > MAX_PER_UPLOAD:
        raise ProtocolError(f"За один раз — не больше {MAX_PER_UPLOAD} фото.")
    have = session.scalar(select(func.count()).select_from(ProtocolPhoto).filter_by(copy_id=copy.id)) or 0
    if have + len(uploads) > MAX_PHOTOS:
        raise ProtocolError(f"У копии уже {have} фото: всего можно {MAX_PHOTOS}.")
    stored = []
    try:
        for data in uploads:
            stored.append(incident_photos.store(photo_dir, data))
    except incident_photos.PhotoError:
        for photo in stored:
            incident_photos.discard(photo_dir, photo.file_name)
        raise
    last = session.scalar(select(func.max(ProtocolPhoto.page)).filter_by(copy_id=copy.id)) or 0
    for n, photo in enumerate(stored, start=last + 1):
        session.add(ProtocolPhoto(copy_id=copy.id, page=n, uploaded_by_id=actor_id, **vars(photo)))
    event(session, copy, actor_id, "photos", pages=len(stored), sha256=[p.sha256 for p in stored])
    session.flush()
    return len(stored)

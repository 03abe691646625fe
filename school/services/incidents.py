"""Incident reports: created once per phone-generated id (a resend finds the first copy), by a consultant for
their station or by the desk on someone's behalf; who may see which incident."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Incident, IncidentEvent, IncidentPhoto, PollingStation, User, VotingDay
from ..models._types import utcnow
from . import incident_photos, playbook
from .upsert import insert_new

MAX_DESCRIPTION = 2000
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
CLOCK_SKEW = timedelta(minutes=10)


class IncidentError(ValueError):
    """A report that cannot be accepted; the message is for the sender."""


@dataclass
class Report:
    """A report as sent: the phone's id, the station, the kind, what happened, and when it was written."""

    station_id: int
    kind: str
    description: str = ""
    urgent: bool | None = None  # None: the kind's default
    client_id: str = ""
    written_at: datetime | None = None
    photo: bytes | None = None


def _checked(session, report: Report) -> tuple[playbook.IncidentKind, PollingStation]:
    kinds = playbook.incident_kinds(session)
    kind = kinds.get(report.kind)
    if kind is None:
        raise IncidentError("Выберите, что случилось.")
    text = report.description.strip()
    if len(text) > MAX_DESCRIPTION:
        raise IncidentError(f"Описание длиннее {MAX_DESCRIPTION} знаков.")
    if len(text) < kind.min_description:
        raise IncidentError("Опишите в нескольких словах, что случилось.")
    if report.client_id and not CLIENT_ID_RE.match(report.client_id):
        raise IncidentError("Неверный идентификатор сообщения.")
    station = session.get(PollingStation, report.station_id)
    if station is None:
        raise IncidentError("Участок не найден.")
    return kind, station


def _written_at(value: datetime | None, now: datetime, day: VotingDay) -> datetime:
    """The phone's time if it is plausible (not in the future, not before the eve of the day), else now."""
    if value is None or value.tzinfo is None or value > now + CLOCK_SKEW:
        return now
    if value.date() < day.date - timedelta(days=1):
        return now
    return min(value, now)


def create(session, day: VotingDay, report: Report, *, consultant_id: int | None, actor_id: int,
           channel: str, photo_dir: str) -> tuple[Incident, bool]:
    """(incident, created). A report whose client id exists already returns that incident unchanged."""
    kind, station = _checked(session, report)
    client_id = report.client_id or str(uuid4())
    existing = session.scalar(select(Incident).filter_by(client_id=client_id))
    if existing is not None:
        return _same_sender(existing, consultant_id, actor_id), False
    stored = incident_photos.store(photo_dir, report.photo) if report.photo else None
    now = utcnow()
    new_id = insert_new(
        session, Incident, ("client_id",), client_id=client_id, voting_day_id=day.id, station_id=station.id,
        team_id=station.team_id, district_id=station.district_id, consultant_id=consultant_id,
        created_by_id=actor_id, channel=channel, kind=kind.slug, description=report.description.strip(),
        urgent=kind.urgent_default if report.urgent is None else report.urgent, status="new",
        written_at=_written_at(report.written_at, now, day), received_at=now)
    if new_id is None:  # the same report arrived twice at once: the other request created it
        if stored:
            incident_photos.discard(photo_dir, stored.file_name)
        return _same_sender(session.scalar(select(Incident).filter_by(client_id=client_id)),
                            consultant_id, actor_id), False
    if stored:
        session.add(IncidentPhoto(incident_id=new_id, **vars(stored)))
    session.add(IncidentEvent(incident_id=new_id, actor_id=actor_id, channel=channel, action="created",
                              new=kind.slug, at=now, comment=report.description.strip()))
    session.flush()
    return session.get(Incident, new_id), True


def _same_sender(incident: Incident, consultant_id: int | None, actor_id: int) -> Incident:
    if incident.consultant_id != consultant_id and incident.created_by_id != actor_id:
        raise IncidentError("Сообщение с таким идентификатором уже отправил другой человек.")
    return incident


def visible(stmt, user: User):
    """Limit a select of incidents to what a user may see: all (admin), their team's (coordinator), their own
    (consultant)."""
    if user.role == "admin":
        return stmt
    if user.role == "coordinator":
        return stmt.where(Incident.team_id == user.team_id) if user.team_id else stmt.where(False)
    return stmt.where(Incident.consultant_id == user.id)


def get_visible(session, user: User, incident_id: int) -> Incident | None:
    stmt = visible(select(Incident).where(Incident.id == incident_id), user)
    return session.scalar(stmt.options(selectinload(Incident.events).selectinload(IncidentEvent.actor),
                                       selectinload(Incident.photo)))


def own_reports(session, day: VotingDay, user_id: int) -> list[Incident]:
    stmt = (select(Incident).options(selectinload(Incident.station), selectinload(Incident.taken_by))
            .filter_by(voting_day_id=day.id, consultant_id=user_id).order_by(Incident.received_at.desc()))
    return list(session.scalars(stmt))

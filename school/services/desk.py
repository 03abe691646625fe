"""The desk: the queue of incidents and what a coordinator (or the center) does with one.

Workflow state (new → taken → escalated → resolved; resolved can be reopened) and the verdict (confirmed,
rejected) are separate; rejected incidents never count in totals. Taking an incident locks it for 10 minutes
for the one who took it; each of their actions renews the lock, and once it lapses anyone allowed may take it.
Every change is an event with who, when and the channel; nothing is deleted.
"""

from datetime import timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from ..filters import ALMATY
from ..models import Incident, IncidentEvent, User, VotingDay
from ..models._types import utcnow
from ..models.voting import STATUSES, VERDICTS
from . import incidents

LOCK = timedelta(minutes=10)
MAX_COMMENT = 2000
# Where each status may go by hand (taking is its own action).
MOVES = {"taken": {"escalated", "resolved"}, "escalated": {"taken", "resolved"}, "resolved": {"taken"},
         "new": {"escalated", "resolved"}}


class DeskError(ValueError):
    """An action refused; the message is for the desk (409)."""


def queue(session, user: User, day: VotingDay, status: str | None = None, team_id: int | None = None,
          district_id: int | None = None) -> list[Incident]:
    """Open incidents first (urgent, then oldest), then resolved ones (latest first); one query and loads."""
    stmt = incidents.visible(select(Incident).filter_by(voting_day_id=day.id), user)
    if status in STATUSES:
        stmt = stmt.filter_by(status=status)
    if team_id:
        stmt = stmt.filter_by(team_id=team_id)
    if district_id:
        stmt = stmt.filter_by(district_id=district_id)
    resolved = case((Incident.status == "resolved", 1), else_=0)
    stmt = stmt.order_by(resolved, Incident.urgent.desc(), Incident.received_at, Incident.id).options(
        selectinload(Incident.station), selectinload(Incident.consultant), selectinload(Incident.taken_by),
        selectinload(Incident.photo))
    return list(session.scalars(stmt))


def lock_holder(incident: Incident, now=None) -> int | None:
    now = now or utcnow()
    if incident.taken_by_id and incident.taken_until and incident.taken_until > now:
        return incident.taken_by_id
    return None


def _event(session, incident, actor_id, action, old=None, new=None, comment=""):
    session.add(IncidentEvent(incident_id=incident.id, actor_id=actor_id, channel="web", action=action,
                              old=old, new=new, comment=comment))


def _hold(session, incident: Incident, actor: User) -> None:
    """Take or renew the lock, unless someone else holds it."""
    holder = lock_holder(incident)
    if holder not in (None, actor.id):
        until = incident.taken_until
        raise DeskError(f"Сообщение взял(а) {incident.taken_by.full_name}; замок до "
                        f"{until.astimezone(ALMATY):%H:%M}.")
    now = utcnow()
    if holder is None:
        _event(session, incident, actor.id, "taken")
        incident.first_taken_at = incident.first_taken_at or now
    incident.taken_by_id, incident.taken_until = actor.id, now + LOCK


def take(session, incident: Incident, actor: User) -> None:
    _hold(session, incident, actor)
    if incident.status == "new":
        _event(session, incident, actor.id, "status", "new", "taken")
        incident.status = "taken"


def release(session, incident: Incident, actor: User) -> None:
    if lock_holder(incident) != actor.id:
        raise DeskError("Это сообщение сейчас не за вами.")
    incident.taken_until = utcnow()
    _event(session, incident, actor.id, "released")


def set_status(session, incident: Incident, actor: User, status: str, comment: str = "") -> None:
    if status not in MOVES.get(incident.status, set()):
        target = STATUSES.get(status, status)
        raise DeskError(f"Из состояния «{STATUSES[incident.status]}» нельзя перейти в «{target}».")
    _hold(session, incident, actor)
    _event(session, incident, actor.id, "status", incident.status, status, _text(comment))
    incident.status = status
    incident.resolved_at = utcnow() if status == "resolved" else None


def set_verdict(session, incident: Incident, actor: User, verdict: str, comment: str = "") -> None:
    if verdict not in VERDICTS:
        raise DeskError("Оценка: подтверждено или отклонено.")
    _hold(session, incident, actor)
    _event(session, incident, actor.id, "verdict", incident.verdict, verdict, _text(comment))
    incident.verdict = verdict


def comment(session, incident: Incident, actor: User, text: str) -> None:
    text = _text(text)
    if not text:
        raise DeskError("Пустой комментарий.")
    _event(session, incident, actor.id, "comment", comment=text)


def _text(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise DeskError(f"Комментарий длиннее {MAX_COMMENT} знаков.")
    return text


def waited_seconds(incident: Incident, now=None) -> int:
    """How long the incident waited at the desk: from its arrival until first taken (or until now)."""
    end = incident.first_taken_at or now or utcnow()
    return max(0, int((end - incident.received_at).total_seconds()))

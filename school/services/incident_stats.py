"""The center's figures: counts by kind, by hour and by station (rejected incidents never count), the export of
everything (rejected ones too, marked), and the per-station incident report for complaints."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..filters import ALMATY, local_dt
from ..models import Incident, IncidentEvent, User, VotingDay
from ..models.voting import CHANNELS, STATUSES, VERDICTS
from . import incidents, playbook


def counted(rows: list[Incident]) -> list[Incident]:
    """What totals count: everything except rejected incidents."""
    return [i for i in rows if i.verdict != "rejected"]


def _all(session, user: User, day: VotingDay, district_id: int | None = None, station_id: int | None = None):
    stmt = incidents.visible(select(Incident).filter_by(voting_day_id=day.id), user)
    if district_id:
        stmt = stmt.filter_by(district_id=district_id)
    if station_id:
        stmt = stmt.filter_by(station_id=station_id)
    stmt = stmt.order_by(Incident.received_at, Incident.id).options(
        selectinload(Incident.station), selectinload(Incident.consultant), selectinload(Incident.created_by),
        selectinload(Incident.photo), selectinload(Incident.events).selectinload(IncidentEvent.actor))
    return list(session.scalars(stmt))


@dataclass
class Totals:
    total: int
    rejected: int
    urgent: int
    by_kind: list[tuple[str, int]]
    by_hour: list[tuple[str, int]]
    by_station: list[tuple[int, int]]
    by_status: list[tuple[str, int]]


def totals(session, user: User, day: VotingDay, district_id: int | None = None) -> Totals:
    rows = _all(session, user, day, district_id)
    kept = counted(rows)
    titles = {k.slug: k.title for k in playbook.incident_kinds(session).values()}
    by_kind = Counter(titles.get(i.kind) or playbook.kind_title(session, i.kind) for i in kept)
    by_hour = Counter(f"{i.written_at.astimezone(ALMATY):%H}:00" for i in kept)
    by_station = Counter(i.station.number for i in kept)
    by_status = Counter(STATUSES[i.status] for i in kept)
    return Totals(len(kept), len(rows) - len(kept), sum(i.urgent for i in kept), by_kind.most_common(),
                  sorted(by_hour.items()), sorted(by_station.items(), key=lambda p: (-p[1], p[0])),
                  by_status.most_common())


HEADER = ["№", "Участок", "Район", "Вид", "Срочно", "Описание", "Написано", "Получено", "Канал", "Консультант",
          "Записал(а)", "Состояние", "Оценка", "Фото SHA-256", "Комментарии"]


def export_table(session, user: User, day: VotingDay, district_id: int | None = None) -> list[list]:
    """Every incident of the day the user may see, rejected ones too (their verdict says so)."""
    titles = {k.slug: k.title for k in playbook.incident_kinds(session).values()}
    table = [HEADER]
    for i in _all(session, user, day, district_id):
        comments = " | ".join(f"{local_dt(e.at, '%H:%M')} {e.actor.full_name if e.actor else '—'}: {e.comment}"
                              for e in i.events if e.action == "comment")
        table.append([i.id, i.station.number, i.station.district.name, titles.get(i.kind, i.kind),
                      "да" if i.urgent else "", i.description, local_dt(i.written_at), local_dt(i.received_at),
                      CHANNELS[i.channel], i.consultant.full_name if i.consultant else "",
                      i.created_by.full_name if i.created_by else "", STATUSES[i.status],
                      VERDICTS.get(i.verdict, ""), i.photo.sha256 if i.photo else "", comments])
    return table


def station_report(session, user: User, day: VotingDay, station_id: int) -> tuple[list[Incident], int]:
    """(incidents that count, with their history; how many rejected ones were left out)."""
    rows = _all(session, user, day, station_id=station_id)
    kept = counted(rows)
    return kept, len(rows) - len(kept)

"""What one protocol's page shows to whom: the photos next to the figures, both entries (until the independent
second entry is in, the first is shown only to its author, and not even to them when they are to make the
second), the conflicts, the relations, the versions, the history, and which steps this person may take."""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import Contest, Election, PollingStation, ProtocolCopy, ProtocolEntry, User
from . import protocol_copies, protocol_entry, protocol_status, reconcile


@dataclass
class CopyView:
    station: PollingStation
    contest: Contest
    copy: ProtocolCopy | None
    who: protocol_entry.Who
    first: ProtocolEntry | None = None
    second: ProtocolEntry | None = None
    first_hidden: bool = False
    conflicts: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    values_source: str = ""
    may_enter: dict = field(default_factory=dict)  # round -> refusal (None: may)

    @property
    def desk(self) -> bool:
        return self.who.desk

    @property
    def center(self) -> bool:
        return self.who.user.role == "admin"

    @property
    def agreed(self):
        return reconcile.current_version(self.copy) if self.copy else None

    @property
    def photos(self):
        return self.copy.photos if self.copy else []

    @property
    def state(self) -> str:
        return self.copy.state if self.copy else "none"

    def value(self, entry: ProtocolEntry | None, code: str):
        return None if entry is None else entry.values.get(code)


def who(session, user: User, station: PollingStation, election: Election) -> protocol_entry.Who:
    own = user.role == "consultant" and station.id in protocol_copies.own_station_ids(session, user, election)
    return protocol_entry.Who(user, own, protocol_copies.is_desk_for(user, station))


def build(session, user: User, station: PollingStation, contest: Contest) -> CopyView:
    copy = protocol_copies.find(session, station.id, contest.id)
    view = CopyView(station, contest, copy, who(session, user, station, contest.election))
    mode = contest.election.second_entry
    blank = copy or ProtocolCopy(state="none")  # not added to the session: nothing entered yet
    view.may_enter = {r: protocol_entry.refusal(blank, r, view.who, mode) for r in (1, 2)}
    if copy is None:
        return view
    view.first, view.second = reconcile.current_entries(copy)
    # Blind: whoever could still make the second entry (the first's author too, when the center chose «the
    # consultant again») does not see the first one's figures, nor does anyone else but its author.
    view.first_hidden = copy.state == "first" and view.first is not None and (
        view.first.entered_by_id != user.id or view.may_enter[2] is None)
    if view.desk:
        view.conflicts = reconcile.conflicts(session, copy, [x.code for x in contest.lines])
    if not view.first_hidden:
        view.relations = protocol_status.relation_states(session, copy)
        view.values_source = protocol_status.working_values(copy)[1]
    return view


def copies_by_station(session, station_ids: list[int], contests: list[Contest]) -> dict:
    """{(station id, contest id): copy} for a list page, in one query."""
    if not station_ids or not contests:
        return {}
    stmt = select(ProtocolCopy).where(ProtocolCopy.station_id.in_(station_ids),
                                      ProtocolCopy.contest_id.in_([c.id for c in contests]))
    return {(c.station_id, c.contest_id): c for c in session.scalars(stmt)}

"""Lookups for the tally's views that fail fast with 404: an election, a contest, a station the user may see,
a copy the user is the desk for."""

from flask import abort, request
from flask_login import current_user

from ..extensions import db
from ..models import Contest, Election, PollingStation, ProtocolCopy
from ..services import elections, protocol_copies

DESK = ("coordinator", "admin")
ENTRY = ("consultant", "coordinator", "admin")


def election_or_none() -> Election | None:
    """The election in `?election=` (404 if unknown), else the current one (None: none set up yet)."""
    election_id = request.args.get("election", type=int)
    return db.get_or_404(Election, election_id) if election_id else elections.current(db.session)


def election_or_404() -> Election:
    election = election_or_none()
    if election is None:
        abort(404)
    return election


def contest_or_404(contest_id: int) -> Contest:
    return db.get_or_404(Contest, contest_id)


def station_or_404(station_id: int, election: Election) -> PollingStation:
    station = db.session.get(PollingStation, station_id)
    if station is None or not protocol_copies.may_see(db.session, current_user, station, election):
        abort(404)
    return station


def copy_or_404(copy_id: int) -> ProtocolCopy:
    """A copy of a station the user is the desk for (the coordinator's team, or any for the center)."""
    copy = db.session.get(ProtocolCopy, copy_id)
    if copy is None or not protocol_copies.is_desk_for(current_user, copy.station):
        abort(404)
    return copy

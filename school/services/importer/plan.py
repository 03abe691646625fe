"""Planning an import: the rows checked against each other and the database, read in four queries."""

from collections.abc import Iterable

from sqlalchemy import select

from ...models import District, PollingStation, Team, User
from .checks import _check_row
from .model import CHUNK, ImportPlan, Progress, Row, RowError, _DbStation, _DbUser, _Existing, _key
from .planner import _Planner


def plan_import(session, rows: Iterable[Row], errors: Iterable[RowError] = (),
                progress: Progress | None = None) -> ImportPlan:
    """Check the rows against each other and the database and count what an import would do.

    Read-only: four SELECTs whatever the number of rows. `errors` (from parse_file) join the plan's own,
    so a plan made from a partly unreadable file cannot be applied.
    """
    rows = list(rows)
    planner = _Planner(_load(session))
    planner.errors += errors
    if not rows and not planner.errors:
        planner.error(1, "В файле нет строк с данными.")
    for i, row in enumerate(rows, start=1):
        rec, problems = _check_row(row)
        if rec is None:
            for p in problems:
                planner.error(row.line, p)
        else:
            planner.add(rec)
        if progress and (i % CHUNK == 0 or i == len(rows)):
            progress(i, len(rows))
    return planner.finish(len(rows))


def _load(session) -> _Existing:
    """Districts, teams, stations and users of the database, keyed as the file's rows are."""
    existing = _Existing()
    tkeys, skeys = _load_places(session, existing)
    q = select(User.id, User.login, User.role, User.full_name, User.team_id, User.polling_station_id, User.phone)
    for id_, login, role, full_name, team_id, station_id, phone in session.execute(q.order_by(User.id)):
        user = _DbUser(id_, login, role, full_name, tkeys.get(team_id), skeys.get(station_id), phone)
        existing.users.setdefault(login.lower(), user)
        if role == "coordinator" and user.tkey:
            existing.coordinators[user.tkey].append(user)
        if role == "consultant" and user.skey:
            existing.at_station[user.skey].append(user)
    return existing


def _load_places(session, existing: _Existing) -> tuple[dict, dict]:
    """Fill in districts, teams and stations; {team id: key} and {station id: key} for the users."""
    dkeys, tkeys, skeys = {}, {}, {}
    for id_, name in session.execute(select(District.id, District.name).order_by(District.id)):
        dkeys[id_] = _key(name)
        existing.districts.setdefault(dkeys[id_], (id_, name))
    for id_, district_id, name in session.execute(select(Team.id, Team.district_id, Team.name).order_by(Team.id)):
        tkeys[id_] = (dkeys[district_id], _key(name))
        existing.teams.setdefault(tkeys[id_], (id_, name))
    q = select(PollingStation.id, PollingStation.district_id, PollingStation.number, PollingStation.team_id,
               PollingStation.address).order_by(PollingStation.id)
    for id_, district_id, number, team_id, address in session.execute(q):
        skeys[id_] = (dkeys[district_id], number)
        existing.stations.setdefault(skeys[id_], _DbStation(id_, tkeys.get(team_id), address or ""))
    return tkeys, skeys

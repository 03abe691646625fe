"""Applying a plan: bulk INSERTs and UPDATEs in one transaction."""

import time

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ...models import District, PollingStation, Team, User
from ...models._types import utcnow
from ...models.org import NO_PASSWORD
from .model import CHUNK, ImportFailed, ImportPlan, ImportRefused, ImportResult, Progress, _key, _Ops, _Rec


def apply_import(session, plan: ImportPlan, progress: Progress | None = None, commit: bool = True) -> ImportResult:
    """Write the plan in one transaction with bulk statements, then commit (unless commit=False).

    Refuses a plan with errors. On a clash with rows written meanwhile everything is rolled back and
    ImportFailed is raised. Statements: a few per kind plus one per 1000 written rows.
    """
    if not plan.ok:
        raise ImportRefused("В файле есть ошибки — ничего не импортировано. Исправьте их и загрузите файл снова.")
    if plan.applied:
        raise ImportRefused("Этот план импорта уже применён.")
    started, ops = time.perf_counter(), plan._ops
    step = _Steps(progress, ops.size())
    try:
        _write(session, ops, step)
        if commit:
            session.commit()
    except IntegrityError as e:
        session.rollback()
        raise ImportFailed("Данные в базе изменились во время импорта, ничего не сохранено. "
                           "Повторите импорт.") from e
    except BaseException:
        session.rollback()
        raise
    plan.applied = True
    return ImportResult(counts=plan.counts, seconds=time.perf_counter() - started)


class _Steps:
    """Reports progress as chunks of rows get written."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, n: int) -> None:
        self.done += n
        if self.progress and n:
            self.progress(self.done, self.total)


def _write(session, ops: _Ops, step: _Steps) -> None:
    """Insert districts, teams and stations (then read their ids), update stations and people, insert people."""
    _insert_places(session, ops, step)
    _update(session, PollingStation, [{"id": id_, "address": address, "team_id": ops.team_ids.get(owner)}
                                      for id_, address, owner in ops.station_updates], step)
    _free_coordinator_seats(session, ops)
    _update(session, User, [{"id": old.id, **_user_values(ops, rec)} for old, rec in ops.user_updates], step)
    now = utcnow()
    _insert(session, User, [{"login": rec.login, "password_hash": NO_PASSWORD, "active": True, "session_version": 1,
                             "created_at": now, **_user_values(ops, rec)} for rec in ops.new_users], step)


def _insert_places(session, ops: _Ops, step: _Steps) -> None:
    """New districts, teams and stations, each kind followed by one SELECT of the new ids.

    Not INSERT … RETURNING: SQLite cannot return ids in parameter order from a multi-row INSERT, so
    SQLAlchemy would fall back to one statement per row.
    """
    if ops.new_districts:
        _insert(session, District, [{"name": name} for _, name in ops.new_districts], step)
        fresh = _ids(session.execute(select(District.id, District.name).order_by(District.id)),
                     lambda r: _key(r.name))
        ops.district_ids.update({key: fresh[key] for key, _ in ops.new_districts})
    dkey_of = {id_: key for key, id_ in ops.district_ids.items()}
    if ops.new_teams:
        _insert(session, Team, [{"district_id": ops.district_ids[key[0]], "name": name}
                                for key, name in ops.new_teams], step)
        where = Team.district_id.in_({ops.district_ids[key[0]] for key, _ in ops.new_teams})
        fresh = _ids(session.execute(select(Team.id, Team.district_id, Team.name).where(where).order_by(Team.id)),
                     lambda r: (dkey_of[r.district_id], _key(r.name)))
        ops.team_ids.update({key: fresh[key] for key, _ in ops.new_teams})
    if ops.new_stations:
        _insert_stations(session, ops, dkey_of, step)


def _insert_stations(session, ops: _Ops, dkey_of: dict, step: _Steps) -> None:
    """New stations (their teams exist by now), then their ids."""
    _insert(session, PollingStation, [
        {"district_id": ops.district_ids[key[0]], "number": number, "address": address,
         "team_id": ops.team_ids.get(owner)} for key, number, address, owner in ops.new_stations], step)
    where = PollingStation.district_id.in_({ops.district_ids[key[0]] for key, *_ in ops.new_stations})
    q = select(PollingStation.id, PollingStation.district_id, PollingStation.number).where(where)
    fresh = _ids(session.execute(q.order_by(PollingStation.id)), lambda r: (dkey_of[r.district_id], r.number))
    ops.station_ids.update({key: fresh[key] for key, *_ in ops.new_stations})


def _ids(rows, key_of) -> dict:
    """{matching key: id}, the first row winning (rows come in id order)."""
    ids = {}
    for row in rows:
        ids.setdefault(key_of(row), row.id)
    return ids


def _user_values(ops: _Ops, rec: _Rec) -> dict:
    values = {"full_name": rec.full_name, "role": rec.kind, "team_id": ops.team_ids[rec.tkey] if rec.tkey else None,
              "polling_station_id": ops.station_ids[rec.skey] if rec.skey else None}
    return values if rec.phone is None else {**values, "phone": rec.phone}


def _free_coordinator_seats(session, ops: _Ops) -> None:
    """Detach the coordinators who change team or role first, so that swaps never trip the one-coordinator index."""
    ids = [old.id for old, rec in ops.user_updates
           if "coordinator" in (old.role, rec.kind) and (old.role != rec.kind or old.tkey != rec.tkey)]
    for part in _chunks(ids):
        session.execute(update(User).where(User.id.in_(part)).values(team_id=None)
                        .execution_options(synchronize_session=False))


def _insert(session, model, values: list[dict], step: _Steps) -> None:
    """Core executemany INSERT per chunk (the ORM's bulk insert splits batches where a value is None)."""
    for part in _chunks(values):
        session.execute(insert(model.__table__), part)
        step(len(part))


def _update(session, model, values: list[dict], step: _Steps) -> None:
    """ORM bulk UPDATE by primary key: one executemany per chunk."""
    for part in _chunks(values):
        session.execute(update(model), part)
        step(len(part))


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]

"""The planner: valid rows checked across the file and the database, then counted and turned into writes."""

from collections import defaultdict

from .model import (
    KINDS,
    ROLE_NAMES,
    Change,
    Counts,
    ImportPlan,
    RowError,
    _DbStation,
    _DbUser,
    _Existing,
    _Ops,
    _Rec,
    _StationDraft,
)


class _Planner:
    """Collects valid rows, checks them across the file and the database, then counts and plans writes."""

    def __init__(self, existing: _Existing):
        self.db = existing
        self.errors: list[RowError] = []
        self.changes: list[Change] = []
        self.districts: dict[str, _Rec] = {}
        self.teams: dict[tuple, _Rec] = {}
        self.stations: dict[tuple, _StationDraft] = {}
        self.people: dict[str, _Rec] = {}
        self.counts = {k: Counts() for k in KINDS}
        self.ops = _Ops(district_ids={k: v[0] for k, v in existing.districts.items()},
                        team_ids={k: v[0] for k, v in existing.teams.items()},
                        station_ids={k: v.id for k, v in existing.stations.items()})

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))

    def add(self, rec: _Rec) -> None:
        """Register a valid row; a repeated login is kept once (or is an error if its data differ)."""
        if rec.login and not self._add_person(rec):
            return
        self.districts.setdefault(rec.dkey, rec)
        if rec.tkey:
            self.teams.setdefault(rec.tkey, rec)
        if rec.skey:
            self._add_station(rec)

    def _add_person(self, rec: _Rec) -> bool:
        """True for a login's first row; a repeat is dropped, and is an error if its data differ."""
        first = self.people.setdefault(rec.login, rec)
        if first is rec:
            return True
        if _person_data(first) != _person_data(rec):
            self.error(rec.line, f"Логин «{rec.login}» уже встречается в строке {first.line} с другими данными.")
        return False

    def _add_station(self, rec: _Rec) -> None:
        """Collect a station's address, its team from a station row, and the teams its consultants claim."""
        draft = self.stations.setdefault(rec.skey, _StationDraft(rec.line, rec.number))
        if rec.address:
            if draft.address and draft.address.casefold() != rec.address.casefold():
                self.error(rec.line, f"Участок № {rec.number}: адрес отличается от указанного в строке "
                                     f"{draft.address_line} («{draft.address}»).")
            elif not draft.address:
                draft.address, draft.address_line = rec.address, rec.line
        if rec.kind == "station" and rec.tkey:
            if draft.team and draft.team[0] != rec.tkey:
                self.error(rec.line, f"Участок № {rec.number} уже отнесён к бригаде «{self._team(draft.team[0])}» "
                                     f"в строке {draft.team[1]}.")
            elif not draft.team:
                draft.team = (rec.tkey, rec.line)
        if rec.kind == "consultant":
            draft.claims.append((rec.tkey, rec.line))

    def _team(self, tkey: tuple | None) -> str:
        if tkey is None:
            return "—"
        return self.teams[tkey].team if tkey in self.teams else self.db.teams[tkey][1]

    # -- checks across rows and the database

    def finish(self, total: int) -> ImportPlan:
        """Checks across rows and the database, then counts and writes to make, as the plan."""
        for skey, draft in self.stations.items():
            self._check_station(skey, draft)
        self._check_coordinators()
        self._check_admins()
        self._plan_places()
        self._plan_stations()
        self._plan_people()
        errors = sorted(dict.fromkeys(self.errors), key=lambda e: e.line)
        changes = sorted(self.changes, key=lambda c: c.line)
        return ImportPlan(rows=total, counts=self.counts, errors=errors, changes=changes, _ops=self.ops)

    def _check_station(self, skey: tuple, draft: _StationDraft) -> None:
        """The station's team after the import; consultants of other teams cannot be put on it."""
        old = self.db.stations.get(skey)
        source = ""
        if draft.team:
            draft.owner, source = draft.team[0], f"строка {draft.team[1]}"
        elif old is not None and old.tkey:
            draft.owner, source = old.tkey, "в базе"
        elif draft.claims:
            draft.owner, source = draft.claims[0][0], f"строка {draft.claims[0][1]}"
        for tkey, line in draft.claims:
            if tkey != draft.owner:
                self.error(line, f"Участок № {draft.number} закреплён за другой бригадой этого района — "
                                 f"«{self._team(draft.owner)}» ({source}). Чтобы передать участок, добавьте строку "
                                 "участка без роли с новой бригадой.")
        if old is not None and old.tkey and draft.owner != old.tkey:
            self._check_left_behind(skey, draft, old)

    def _check_left_behind(self, skey: tuple, draft: _StationDraft, old: _DbStation) -> None:
        """A station given to another team must not keep consultants of its old team that the file leaves."""
        staying = [u.login for u in self.db.at_station.get(skey, ()) if u.login.lower() not in self.people]
        if staying:
            listed = ", ".join(staying[:5]) + (f" и ещё {len(staying) - 5}" if len(staying) > 5 else "")
            self.error(draft.team[1], f"Участок № {draft.number} передаётся бригаде «{self._team(draft.owner)}», "
                                      f"но на нём остаются консультанты бригады «{self._team(old.tkey)}», которых "
                                      f"нет в файле: {listed}.")

    def _check_coordinators(self) -> None:
        """At most one coordinator per team, counting those in the database the file does not move."""
        by_team = defaultdict(list)
        for rec in self.people.values():
            if rec.kind == "coordinator":
                by_team[rec.tkey].append(rec)
        for tkey, recs in by_team.items():
            first = recs[0]
            for rec in recs[1:]:
                self.error(rec.line, f"У бригады «{first.team}» уже есть координатор {first.full_name} "
                                     f"({first.login}, строка {first.line}).")
            for user in self.db.coordinators.get(tkey, ()):
                if user.login.lower() not in self.people:
                    self.error(first.line, f"У бригады «{first.team}» уже есть координатор {user.full_name} "
                                           f"({user.login}). Чтобы заменить его, укажите его в файле с новой ролью "
                                           "или бригадой.")

    def _check_admins(self) -> None:
        """An import never touches an admin's account."""
        for rec in self.people.values():
            old = self.db.users.get(rec.login)
            if old is not None and old.role == "admin":
                self.error(rec.line, f"Логин «{rec.login}» принадлежит администратору: импорт не меняет "
                                     "администраторов.")

    # -- counting and planning the writes

    def _plan_places(self) -> None:
        """Districts and teams are only ever created (their name is what matches them)."""
        for dkey, rec in self.districts.items():
            if dkey in self.db.districts:
                self.counts["districts"].unchanged += 1
            else:
                self.counts["districts"].created += 1
                self.ops.new_districts.append((dkey, rec.district))
        for tkey, rec in self.teams.items():
            if tkey in self.db.teams:
                self.counts["teams"].unchanged += 1
            else:
                self.counts["teams"].created += 1
                self.ops.new_teams.append((tkey, rec.team))

    def _plan_stations(self) -> None:
        """New stations; existing ones whose address or team changes."""
        for skey, draft in self.stations.items():
            old = self.db.stations.get(skey)
            if old is None:
                self.counts["stations"].created += 1
                self.ops.new_stations.append((skey, draft.number, draft.address, draft.owner))
                continue
            address = draft.address or old.address
            diff = [f"адрес «{old.address}» → «{address}»"] if address != old.address else []
            if draft.owner != old.tkey:
                diff.append(f"бригада «{self._team(old.tkey)}» → «{self._team(draft.owner)}»")
            if not diff:
                self.counts["stations"].unchanged += 1
                continue
            self.counts["stations"].updated += 1
            self.ops.station_updates.append((old.id, address, draft.owner))
            name = f"участок № {draft.number} ({self.districts[skey[0]].district})"
            self.changes.append(Change(draft.line, "stations", name, "; ".join(diff)))

    def _plan_people(self) -> None:
        """New people; existing ones whose role, name, team or station changes (each listed in changes)."""
        for login, rec in self.people.items():
            counts = self.counts[rec.kind + "s"]
            old = self.db.users.get(login)
            if old is None:
                counts.created += 1
                self.ops.new_users.append(rec)
                continue
            diff = self._person_diff(old, rec)
            if not diff:
                counts.unchanged += 1
                continue
            counts.updated += 1
            self.ops.user_updates.append((old, rec))
            self.changes.append(Change(rec.line, rec.kind + "s", login, "; ".join(diff), old.role != rec.kind))

    def _person_diff(self, old: _DbUser, rec: _Rec) -> list[str]:
        """What changes for an existing person, in Russian; empty if nothing."""
        diff = []
        if old.role != rec.kind:
            diff.append(f"роль «{ROLE_NAMES.get(old.role, old.role)}» → «{ROLE_NAMES[rec.kind]}»")
        if old.full_name != rec.full_name:
            diff.append(f"ФИО «{old.full_name}» → «{rec.full_name}»")
        if rec.phone is not None and old.phone != rec.phone:
            diff.append(f"телефон «{old.phone or '—'}» → «{rec.phone or '—'}»")
        if old.tkey != rec.tkey:
            diff.append(f"бригада «{self._team(old.tkey)}» → «{self._team(rec.tkey)}»")
        if old.skey != rec.skey:
            diff.append(f"участок {_number(old.skey)} → {_number(rec.skey)}")
        return diff


def _person_data(rec: _Rec) -> tuple:
    return rec.kind, rec.dkey, rec.tkey, rec.skey, rec.full_name, rec.phone


def _number(skey: tuple | None) -> str:
    return f"№ {skey[1]}" if skey else "—"

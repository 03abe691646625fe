"""A protocol's states apart from its figures: each control relation OK, flagged, verified (a person checked the
photo) or missing (a line it uses is empty: never a false flag); the copy's verdict (confirmed, rejected) and
quarantine (kept, left out of totals). Who may change them: relations are checked by the desk, the verdict
and the quarantine are the center's."""

from dataclasses import dataclass

from sqlalchemy import select

from ..models import ControlRelation, ProtocolCopy, RelationCheck, User
from ..models.protocol import VERDICTS
from . import elections, formulas, reconcile
from .protocol_copies import ProtocolError, event
from .protocol_values import MAX_REASON

RELATION_STATES = {"ok": "в порядке", "flagged": "нарушено", "verified": "проверено по фото",
                   "missing": "нет данных"}


@dataclass
class RelationState:
    relation: ControlRelation
    state: str

    @property
    def label(self) -> str:
        return RELATION_STATES[self.state]


def working_values(copy: ProtocolCopy) -> tuple[dict | None, str]:
    """The figures the checks read: the agreed version, else the first entry (not yet agreed); and which."""
    version = reconcile.current_version(copy)
    if version is not None:
        return version.values, f"версия {version.version}"
    first, _ = reconcile.current_entries(copy)
    return (first.values, "первый ввод, не сверен") if first else (None, "")


def evaluate(compiled: list[tuple[ControlRelation, formulas.Formula | None]], values: dict | None,
             verified: set[int]) -> list[RelationState]:
    """Each relation's state for these figures; `verified` are the relations checked on the photo."""
    states = []
    for relation, formula in compiled:
        outcome = formula.evaluate(values) if formula and values is not None else None
        if outcome is None:
            state = "missing"
        elif not outcome:
            state = "ok"
        else:
            state = "verified" if relation.id in verified else "flagged"
        states.append(RelationState(relation, state))
    return states


def verified_ids(session, copy: ProtocolCopy) -> set[int]:
    """Relations checked on the photo for the copy's current version (a new version needs a new check)."""
    if not copy.version:
        return set()
    return set(session.scalars(select(RelationCheck.relation_id).filter_by(copy_id=copy.id, version=copy.version)))


def relation_states(session, copy: ProtocolCopy) -> list[RelationState]:
    values, _ = working_values(copy)
    return evaluate(elections.compiled(copy.contest), values, verified_ids(session, copy))


def verify(session, copy: ProtocolCopy, user: User, relation_id: int, comment: str) -> None:
    """The desk looked at the photo: the copy itself says so. The flag stays a finding, marked as checked."""
    state = next((s for s in relation_states(session, copy) if s.relation.id == relation_id), None)
    if state is None or state.state != "flagged" or not copy.version:
        raise ProtocolError("Проверить по фото можно нарушенное соотношение сверенного протокола.")
    comment = " ".join((comment or "").split())[:MAX_REASON]
    session.add(RelationCheck(copy_id=copy.id, relation_id=relation_id, version=copy.version,
                              verified_by_id=user.id, comment=comment))
    event(session, copy, user.id, "verify", comment, relation=state.relation.code, version=copy.version)


def set_verdict(session, copy: ProtocolCopy, user: User, verdict: str, comment: str) -> None:
    if verdict not in VERDICTS:
        raise ProtocolError("Неизвестная оценка.")
    comment = " ".join((comment or "").split())[:MAX_REASON]
    if verdict == "rejected" and not comment:
        raise ProtocolError("Напишите, почему копия отклонена.")
    event(session, copy, user.id, "verdict", comment, old=copy.verdict, new=verdict)
    copy.verdict = verdict


def set_quarantine(session, copy: ProtocolCopy, user: User, on: bool, reason: str) -> None:
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise ProtocolError("Напишите причину.")
    if copy.quarantined == on:
        raise ProtocolError("Уже так.")
    event(session, copy, user.id, "quarantine" if on else "release", reason)
    copy.quarantined = on


def is_counted(state: str, verdict: str | None, quarantined: bool) -> bool:
    """What totals count: an agreed protocol, not rejected, not in quarantine (one definition for every page)."""
    return state == "reconciled" and verdict != "rejected" and not quarantined


def counted(copy: ProtocolCopy) -> bool:
    return is_counted(copy.state, copy.verdict, copy.quarantined)

"""Reconciling the two entries of a protocol: every line where they disagree is a conflict that a person settles
from the photo (who, when and why are kept; a line can be settled again). Once nothing is left, the agreed
figures become version 1; a later correction is a new version. Nothing is overwritten."""

from dataclasses import dataclass

from sqlalchemy import select

from ..models import ProtocolCopy, ProtocolEntry, ProtocolVersion, Settlement, User
from .protocol_copies import ProtocolError, event
from .protocol_values import MAX_REASON, ValueProblem, parse_value


@dataclass
class Conflict:
    code: str
    first: int | None
    second: int | None
    settlement: Settlement | None = None


def current_entries(copy: ProtocolCopy) -> tuple[ProtocolEntry | None, ProtocolEntry | None]:
    """The latest version of round 1 and of round 2."""
    latest: dict[int, ProtocolEntry] = {}
    for entry in copy.entries:
        if entry.round not in latest or entry.version > latest[entry.round].version:
            latest[entry.round] = entry
    return latest.get(1), latest.get(2)


def current_version(copy: ProtocolCopy) -> ProtocolVersion | None:
    return next((v for v in copy.versions if v.version == copy.version), None) if copy.version else None


def conflicts(session, copy: ProtocolCopy, codes: list[str]) -> list[Conflict]:
    """The lines where the current two entries disagree, each with its latest settlement (if any)."""
    first, second = current_entries(copy)
    if first is None or second is None:
        return []
    found = [Conflict(code, first.values.get(code), second.values.get(code)) for code in codes
             if first.values.get(code) != second.values.get(code)]
    settled = {s.line_code: s for s in session.scalars(select(Settlement).filter_by(
        copy_id=copy.id, first_entry_id=first.id, second_entry_id=second.id).order_by(Settlement.id))}
    for conflict in found:
        conflict.settlement = settled.get(conflict.code)
    return found


def new_version(session, copy: ProtocolCopy, values: dict, source: str, actor_id: int | None,
                reason: str = "") -> ProtocolVersion:
    version = ProtocolVersion(copy_id=copy.id, version=copy.version + 1, values=values, source=source,
                              created_by_id=actor_id, reason=reason)
    session.add(version)
    copy.version = version.version
    copy.versions.append(version)
    event(session, copy, actor_id, "version", reason, version=version.version, source=source)
    return version


def try_finish(session, copy: ProtocolCopy, codes: list[str], actor_id: int | None) -> None:
    """With both entries in: agreed figures as a new version once every conflict is settled, else «second»."""
    first, second = current_entries(copy)
    if first is None or second is None:
        return
    found = conflicts(session, copy, codes)
    if any(c.settlement is None for c in found):
        copy.state = "second"
        return
    values = {code: first.values.get(code) for code in codes}
    values.update({c.code: c.settlement.value for c in found})
    new_version(session, copy, values, "settled" if found else "agreed", actor_id)
    copy.state = "reconciled"


def settle(session, copy: ProtocolCopy, codes: list[str], user: User, code: str, raw: str, reason: str) -> None:
    """Settle one conflicting line from the photo: the value read there (often one of the two) and why."""
    if copy.state != "second":
        raise ProtocolError("Расхождений для разрешения нет.")
    conflict = next((c for c in conflicts(session, copy, codes) if c.code == code), None)
    if conflict is None:
        raise ProtocolError("В этой строке оба ввода совпадают.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ProtocolError("Напишите, что видно на фото и почему выбрано это число.")
    try:
        value = parse_value(raw)
    except ValueProblem as problem:
        raise ProtocolError(f"Число с фото: {problem}.") from problem
    first, second = current_entries(copy)
    session.add(Settlement(copy_id=copy.id, first_entry_id=first.id, second_entry_id=second.id, line_code=code,
                           first_value=conflict.first, second_value=conflict.second, value=value,
                           settled_by_id=user.id, reason=reason[:MAX_REASON]))
    event(session, copy, user.id, "settle", reason[:MAX_REASON], line=code, first=conflict.first,
          second=conflict.second, value=value)
    session.flush()
    session.expire(copy, ["versions"])
    try_finish(session, copy, codes, user.id)


def correct(session, copy: ProtocolCopy, codes: list[str], user: User, changes: dict, reason: str) -> None:
    """A correction of agreed figures (e.g. an amended protocol): a new version with a reason."""
    current = current_version(copy)
    if copy.state != "reconciled" or current is None:
        raise ProtocolError("Исправлять можно только сверенный протокол.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ProtocolError("Напишите причину исправления.")
    values = {code: current.values.get(code) for code in codes}
    changed = {code: value for code, value in changes.items() if code in values and values[code] != value}
    if not changed:
        raise ProtocolError("Цифры не изменились.")
    values.update(changed)
    new_version(session, copy, values, "correction", user.id, reason[:MAX_REASON])

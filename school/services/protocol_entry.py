"""Entering a protocol's figures. Round 1: the consultant from the certified copy for their own station (which
also marks «протокол получен» on their check-in), or the desk on someone's behalf from a photo received
otherwise (marked as such, with where the photo came from). Round 2: the independent entry, by whoever the
election's mode names (services/second_entry.py). A failing relation is shown in words before saving; the entry
can still be saved with a comment, since the copy itself may be wrong, and that is the finding."""

from dataclasses import dataclass, field

from sqlalchemy import select

from ..models import CheckIn, Contest, ControlRelation, ProtocolCopy, ProtocolEntry, User, VotingDay
from . import checkins, elections, reconcile, second_entry
from .protocol_copies import ProtocolError, event
from .protocol_values import MAX_REASON


@dataclass
class Entry:
    """Figures as typed, with the comment that lets failing relations through, and (desk) on whose behalf."""

    values: dict[str, int | None]
    comment: str = ""
    on_behalf_of_id: int | None = None
    source_note: str = ""


@dataclass
class Who:
    user: User
    own: bool  # the station is the consultant's own
    desk: bool  # the user is the desk for the station


class NeedsComment(ProtocolError):
    """Relations fail: say so in words, and save only with a comment."""

    def __init__(self, relations: list[ControlRelation]):
        super().__init__("Проверьте цифры по копии: " + "; ".join(r.message for r in relations))
        self.relations = relations


@dataclass
class Check:
    failing: list[ControlRelation] = field(default_factory=list)
    missing: list[ControlRelation] = field(default_factory=list)


def check(contest: Contest, values: dict) -> Check:
    """Which active relations the figures break, and which cannot be checked yet (a line is empty)."""
    result = Check()
    for relation, formula in elections.compiled(contest):
        outcome = formula.evaluate(values) if formula else None
        if outcome is None:
            result.missing.append(relation)
        elif outcome:
            result.failing.append(relation)
    return result


def refusal(copy: ProtocolCopy, round_: int, who: Who, mode: str) -> str | None:
    """Why this person may not make this round's entry now (None: they may)."""
    first, second = reconcile.current_entries(copy)
    if copy.state == "reconciled":
        return "Протокол уже сверен: исправление вносит центр, с причиной."
    if round_ == 1:
        if first is not None:
            return None if first.entered_by_id == who.user.id else "Первый ввод уже сделан."
        return None if (who.own and who.user.role == "consultant") or who.desk else "Это не ваш участок."
    if first is None:
        return "Сначала нужен первый ввод."
    if second is not None:
        return None if second.entered_by_id == who.user.id else "Второй ввод уже сделан."
    if second_entry.may_enter(mode, who.user, first, who.own, who.desk):
        return None
    return second_entry.MODES[mode].refusal


def enter(session, copy: ProtocolCopy, round_: int, who: Who, entry: Entry, mode: str) -> ProtocolEntry:
    """Save a round's entry (a re-entry is a new version of it), then reconcile if both rounds are in."""
    contest = copy.contest
    reason = refusal(copy, round_, who, mode)
    if reason:
        raise ProtocolError(reason)
    if round_ == 1 and len(copy.photos) < contest.pages:
        raise ProtocolError(f"Сначала сфотографируйте каждую страницу протокола: страниц {contest.pages}, "
                            f"фото {len(copy.photos)}.")
    comment = " ".join((entry.comment or "").split())[:MAX_REASON]
    failing = check(contest, entry.values).failing
    if failing and not comment:
        raise NeedsComment(failing)
    channel = ("consultant" if who.user.role == "consultant" else "behalf") if round_ == 1 \
        else second_entry.channel_for(who.user)
    note = " ".join((entry.source_note or "").split())[:300]
    if channel == "behalf" and not note:
        raise ProtocolError("Укажите, откуда фото копии (кто прислал и как): ввод за консультанта так и отмечается.")
    version = 1 + max((e.version for e in copy.entries if e.round == round_), default=0)
    row = ProtocolEntry(copy_id=copy.id, round=round_, version=version, channel=channel, entered_by_id=who.user.id,
                        on_behalf_of_id=entry.on_behalf_of_id if channel == "behalf" else None, source_note=note,
                        values={code: entry.values.get(code) for code in (x.code for x in contest.lines)},
                        comment=comment)
    copy.entries.append(row)
    session.flush()
    event(session, copy, who.user.id, "entry", comment, round=round_, version=version, channel=channel,
          failing=[r.code for r in failing])
    codes = [x.code for x in contest.lines]
    if round_ == 1 and reconcile.current_entries(copy)[1] is None:
        copy.state = "first"
    else:
        reconcile.try_finish(session, copy, codes, who.user.id)
    if channel == "consultant" and round_ == 1:
        _mark_protocol_received(session, copy, who.user)
    return row


def _mark_protocol_received(session, copy: ProtocolCopy, user: User) -> None:
    """The consultant has the copy: their check-in's «протокол получен» stage, if the voting day exists."""
    day_id = session.scalar(select(VotingDay.id).filter_by(date=copy.contest.election.date))
    checkin = session.scalar(select(CheckIn).filter_by(voting_day_id=day_id, consultant_id=user.id,
                                                       station_id=copy.station_id)) if day_id else None
    if checkin is not None and checkin.protocol_at is None:
        checkins.mark(session, checkin, "protocol", user.id, "web")

"""Who makes the second, independent entry of a protocol: one registry entry per mode the center can choose
(the election's `second_entry`). Either way the second person types from the copy or its photo without seeing
the first entry."""

from collections.abc import Callable
from dataclasses import dataclass

from ..models import ProtocolEntry, User


@dataclass(frozen=True)
class Mode:
    label: str
    help: str
    # (user, the first entry, the station is the user's own, the user is the desk for it) -> may enter it
    may_enter: Callable[[User, ProtocolEntry, bool, bool], bool]
    refusal: str


def _desk(user: User, first: ProtocolEntry, own: bool, desk: bool) -> bool:
    return desk and user.id != first.entered_by_id


def _consultant(user: User, first: ProtocolEntry, own: bool, desk: bool) -> bool:
    if first.channel == "behalf":  # no consultant was there: another desk operator reads the photo
        return _desk(user, first, own, desk)
    return own and user.role == "consultant"


MODES = {
    "desk": Mode("оператор пульта по фото",
                 "Второй ввод делает координатор или центр по фото копии; не тот, кто ввёл первым.", _desk,
                 "Второй ввод делает пульт по фото, и не тот человек, что ввёл первым."),
    "consultant": Mode("консультант повторно, не видя первого ввода",
                       "Консультант вводит цифры с копии ещё раз; первый ввод ему не показывается. Если первый "
                       "ввёл пульт за консультанта, второй делает другой оператор пульта.", _consultant,
                       "Второй ввод делает консультант участка повторно."),
}


def channel_for(user: User) -> str:
    return "consultant" if user.role == "consultant" else "desk"


def may_enter(mode: str, user: User, first: ProtocolEntry, own: bool, desk: bool) -> bool:
    return MODES[mode].may_enter(user, first, own, desk)

"""Seminars in the room: sessions per module, bookings (a seat or a place on the waiting list) with their
attendance, and the center's per-module rule of what completes the study part.

Nothing here is deleted: a cancelled booking stays with its time and who cancelled it, an undone mark
leaves who undid it, and every change is in the audit log too.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow

# booked: has a seat; waiting: on the waiting list; cancelled; lapsed: an earlier booking of the module
# left behind when the consultant, absent from it, signed up for another session.
BOOKING_STATES = ("booked", "waiting", "cancelled", "lapsed")
ATTENDANCE = ("present", "late", "absent")
ATTENDED = ("present", "late")
MARK_SOURCES = ("trainer", "self", "sheet")
# What completes a module's study part besides its quiz (services/qualification.py is the one definition).
COMPLETION_RULES = ("quiz", "online", "seminar", "either")
ACTIVE = "status IN ('booked', 'waiting')"


def _in(column: str, values: tuple) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SeminarSession(db.Model):
    """One two-hour seminar of a module in a room, with a trainer and a number of seats."""

    __tablename__ = "seminar_sessions"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity"),
        # The seat counter: a guarded UPDATE takes a seat, and the database never lets it pass capacity.
        CheckConstraint("booked >= 0 AND booked <= capacity", name="seats"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))  # the address
    room: Mapped[str] = mapped_column(String(100), default="")
    trainer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0, server_default="0")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The key of the self-check-in code, which changes every minute (services/attendance.py).
    code_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    module = relationship("Module")
    trainer = relationship("User")

    def __repr__(self):
        return f"<SeminarSession {self.id} m{self.module_id} {self.starts_at:%Y-%m-%d %H:%M}>"


class Booking(db.Model):
    """A consultant's sign-up for a session: a seat or a place on the waiting list, and their attendance."""

    __tablename__ = "seminar_bookings"
    __table_args__ = (
        CheckConstraint(_in("status", BOOKING_STATES), name="status"),
        CheckConstraint(f"attendance IS NULL OR {_in('attendance', ATTENDANCE)}", name="attendance"),
        CheckConstraint(f"mark_source IS NULL OR {_in('mark_source', MARK_SOURCES)}", name="mark_source"),
        # One seat or waiting place per consultant and module at a time, enforced by the database.
        Index("uq_booking_active", "user_id", "module_id", unique=True,
              sqlite_where=text(ACTIVE), postgresql_where=text(ACTIVE)),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("seminar_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"))  # the session's, for the index above
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the consultant or coordinator
    seated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the seat was given
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moved up from the waiting list
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    attendance: Mapped[str | None] = mapped_column(String(10))
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mark_source: Mapped[str | None] = mapped_column(String(10))
    self_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a self-check-in is allowed once
    code_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    seminar = relationship("SeminarSession")
    user = relationship("User", foreign_keys=[user_id])
    marked_by = relationship("User", foreign_keys=[marked_by_id])

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED

    def __repr__(self):
        return f"<Booking {self.id} u{self.user_id} s{self.session_id} {self.status}>"


class CompletionRule(db.Model):
    """What completes a module's study part besides its quiz; no row means «quiz» (the quiz alone)."""

    __tablename__ = "completion_rules"
    __table_args__ = (CheckConstraint(_in("rule", COMPLETION_RULES), name="rule"),)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(10), default="quiz")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def __repr__(self):
        return f"<CompletionRule m{self.module_id} {self.rule}>"

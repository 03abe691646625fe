"""A coordinator's sign-off that a qualified consultant is ready for voting day."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime


class Signoff(db.Model):
    """The current sign-off state of one consultant; its history is in the audit log."""

    __tablename__ = "signoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str] = mapped_column(String(500), default="")
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])

    @property
    def active(self):
        return self.confirmed_at is not None and self.withdrawn_at is None

    def __repr__(self):
        return f"<Signoff consultant={self.consultant_id} active={self.active}>"

"""A consultant's qualification as a stored, derived fact.

Written only by services/qualification.py, from attempts and reading, in the same transaction
as every event that changes it; `flask qualification rebuild` recomputes it from scratch.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow

# needs_update: qualified, but a re-check after a change of the law is not passed yet.
STATES = ("not_started", "in_progress", "qualified", "needs_update")


class Qualification(db.Model):
    __tablename__ = "qualifications"
    __table_args__ = (
        CheckConstraint("status IN ('not_started', 'in_progress', 'qualified', 'needs_update')", name="status"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    qualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first section opened or attempt started
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<Qualification u{self.user_id} {self.status}>"

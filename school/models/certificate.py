"""A consultant's certificate: a public verification code; its status follows the qualification."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow


class Certificate(db.Model):
    """One per consultant, issued on the first download; revoked by the center with a reason."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("(revoked_at IS NULL) = (revoke_reason = '')", name="revoke_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # 160 random bits, URL-safe
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(String(500), default="")
    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    def __repr__(self):
        return f"<Certificate u{self.user_id}{' revoked' if self.revoked_at else ''}>"

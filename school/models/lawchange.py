"""Amendments of the election law as the center records them, and the re-checks they require."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow


class LawChange(db.Model):
    """Articles amended with effect from a date. Sections and questions citing them are to be reviewed;
    consultants who passed a citing module before that date may be required to pass a re-check."""

    __tablename__ = "law_changes"
    __table_args__ = (
        CheckConstraint("recheck_questions BETWEEN 1 AND 200", name="recheck_questions"),
        CheckConstraint("recheck_pass_mark IS NULL OR recheck_pass_mark BETWEEN 1 AND 100", name="recheck_pass_mark"),
        CheckConstraint("recheck_attempts BETWEEN 1 AND 20", name="recheck_attempts"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    articles: Mapped[list] = mapped_column(JSON)  # ["20-1", "43"]
    effective_date: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recheck_questions: Mapped[int] = mapped_column(default=10)
    recheck_pass_mark: Mapped[int | None]  # None: each module's own pass mark
    recheck_attempts: Mapped[int] = mapped_column(default=2)
    recheck_required_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by = relationship("User")
    rechecks: Mapped[list["Recheck"]] = relationship(back_populates="change", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<LawChange {self.id} {self.articles} from {self.effective_date}>"


class Recheck(db.Model):
    """The re-check of one module for one change: a quiz of its own (attempts, pass mark and size from
    the change) drawn from the module's bank (`source_quiz`), only from questions updated for the change."""

    __tablename__ = "rechecks"
    __table_args__ = (UniqueConstraint("law_change_id", "source_quiz_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    law_change_id: Mapped[int] = mapped_column(ForeignKey("law_changes.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), unique=True)
    source_quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    change: Mapped[LawChange] = relationship(back_populates="rechecks")
    quiz = relationship("Quiz", foreign_keys=[quiz_id])
    source_quiz = relationship("Quiz", foreign_keys=[source_quiz_id])

    def __repr__(self):
        return f"<Recheck change {self.law_change_id} quiz {self.quiz_id}>"

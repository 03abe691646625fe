"""Quiz attempts. Each attempt keeps a snapshot of the questions it showed."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("status IN ('open', 'submitted')", name="status"),
        # At most one open attempt per consultant and quiz: two tabs cannot start two.
        Index("uq_attempt_open", "user_id", "quiz_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    # The newest page load of this attempt: only that tab may save or submit.
    tab_token: Mapped[str | None] = mapped_column(String(32))
    # Graded because time ran out (not by the consultant's submit).
    timed_out: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    quiz = relationship("Quiz")
    user = relationship("User")
    questions: Mapped[list["AttemptQuestion"]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")

    @property
    def is_open(self):
        return self.status == "open"

    def __repr__(self):
        return f"<Attempt {self.id} u{self.user_id} q{self.quiz_id} #{self.number} {self.status}>"


class AttemptQuestion(db.Model):
    __tablename__ = "attempt_questions"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "question_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    position: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    answer: Mapped[dict | list | str | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    points: Mapped[float | None]
    attempt: Mapped[Attempt] = relationship(back_populates="questions")

    def __repr__(self):
        return f"<AttemptQuestion a{self.attempt_id} p{self.position}>"


class AttemptGrant(db.Model):
    """One extra attempt granted by an admin, with the reason (also written to the audit log)."""

    __tablename__ = "attempt_grants"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<AttemptGrant u{self.user_id} q{self.quiz_id}>"


class AttemptRequest(db.Model):
    """A coordinator's request for one more attempt for a consultant who used them all up.

    An admin grants or refuses it (a grant adds an AttemptGrant); at most one is pending per quiz.
    """

    __tablename__ = "attempt_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'granted', 'refused')", name="status"),
        Index("uq_attempt_request_pending", "user_id", "quiz_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(500))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    consultant = relationship("User", foreign_keys=[user_id])
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    quiz = relationship("Quiz")

    def __repr__(self):
        return f"<AttemptRequest u{self.user_id} q{self.quiz_id} {self.status}>"

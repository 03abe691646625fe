"""Every version of every section and question, as loaded: what the center taught when, and what changed."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow


class SectionVersion(db.Model):
    """One loaded text of a section file; the highest version is the current one."""

    __tablename__ = "section_versions"
    __table_args__ = (UniqueConstraint("section_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(Text)  # the whole file, front matter included
    articles: Mapped[list] = mapped_column(JSON, default=list)  # ["20-1", "43"]: the articles it cites
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self):
        return f"<SectionVersion s{self.section_id} v{self.version}>"


class QuestionVersion(db.Model):
    """One loaded version of a bank question (the row in `questions` holds the current one)."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self):
        return f"<QuestionVersion q{self.question_id} v{self.version}>"

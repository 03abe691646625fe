"""Course content and quiz banks, loaded from courses/ and quizzes/."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Module(db.Model):
    __tablename__ = "modules"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    quiz_slug: Mapped[str] = mapped_column(String(100))
    law_as_of: Mapped[date | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="module", order_by="Section.position", cascade="all, delete-orphan")

    @property
    def minutes(self):
        return sum(s.minutes for s in self.sections)

    def __repr__(self):
        return f"<Module {self.slug}>"


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int]
    # Deferred: tables of contents and dashboards need titles and minutes, not every section's body.
    html: Mapped[str] = mapped_column(Text, deferred=True)
    module: Mapped[Module] = relationship(back_populates="sections")

    def __repr__(self):
        return f"<Section {self.slug}>"


class Memo(db.Model):
    __tablename__ = "memos"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    # The date the memo's facts were last checked (`as_of` in its file), shown on the page and in print.
    as_of: Mapped[date | None]
    html: Mapped[str] = mapped_column(Text)
    # Fillable templates found in the memo (school/services/memo_templates.py): [{"title", "lines"}].
    templates: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")

    def __repr__(self):
        return f"<Memo {self.slug}>"


class Quiz(db.Model):
    __tablename__ = "quizzes"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    pass_mark: Mapped[int] = mapped_column(default=80)
    required: Mapped[bool] = mapped_column(default=True)
    questions_per_attempt: Mapped[int] = mapped_column(default=0)
    questions_per_topic: Mapped[int] = mapped_column(default=0, server_default="0")
    time_limit_min: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=0)
    cooldown_min: Mapped[int] = mapped_column(default=0)
    shuffle: Mapped[bool] = mapped_column(default=True)
    review: Mapped[str] = mapped_column(String(20), default="after_pass")
    # {topic: {"title": ..., "sections": ["module/section", ...]}}: where a weak topic is taught.
    topics: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    module: Mapped[Module | None] = relationship()

    def __repr__(self):
        return f"<Quiz {self.slug}>"


class Question(db.Model):
    """The current version of a bank question; attempts keep their own snapshot."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("quiz_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(default=0)
    data: Mapped[dict] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self):
        return f"<Question {self.key} v{self.version}>"

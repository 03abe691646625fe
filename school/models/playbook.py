"""The voting-day playbook: one situation per module section that declares keywords (loaded from courses/)."""

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Situation(db.Model):
    __tablename__ = "situations"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The section's file name: the permanent id, and the incident kind that names this situation.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    urgent: Mapped[bool] = mapped_column(default=False)
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    templates: Mapped[list] = mapped_column(JSON, default=list)  # refs: "memo-slug" or "memo-slug/Title"
    articles: Mapped[list] = mapped_column(JSON, default=list)
    lead_html: Mapped[str] = mapped_column(Text, default="")
    # {"signs", "law", "steps", "calls"} -> HTML, and [{"heading", "html"}] of the other parts
    parts: Mapped[dict] = mapped_column(JSON, default=dict)
    extra: Mapped[list] = mapped_column(JSON, default=list)
    # Stems by field and keyword phrases (school/services/search_index.py), computed at load.
    terms: Mapped[dict] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    section = relationship("Section")

    def __repr__(self):
        return f"<Situation {self.slug}>"

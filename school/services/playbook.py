"""The playbook: situations loaded from the content, their templates, search, and the incident kinds."""

from dataclasses import dataclass

from sqlalchemy import select

from ..models import Memo, Section, Situation
from . import search_index
from .situations import resolve_templates

OTHER = "other"
FIELDS = ("position", "title", "urgent", "keywords", "templates", "articles", "lead_html", "parts", "extra", "terms")


def load(session, modules: list[dict]) -> None:
    """Create or update a situation per loaded situation section; one that left the content is kept
    inactive (incidents still name it)."""
    sections = {(s.module.slug, s.slug): s for s in session.scalars(select(Section))}
    existing = {s.slug: s for s in session.scalars(select(Situation))}
    seen = set()
    for module in modules:
        for item in module["sections"]:
            data, section = item.get("situation"), sections.get((module["slug"], item["slug"]))
            if not data or not item["valid"] or section is None:
                continue
            row = existing.get(data["slug"]) or Situation(slug=data["slug"])
            session.add(row)
            row.section_id, row.active = section.id, True
            values = {**data, "position": module["position"] * 1000 + item["position"], "title": item["title"]}
            for name in FIELDS:
                setattr(row, name, values[name])
            seen.add(data["slug"])
    for slug, row in existing.items():
        if slug not in seen:
            row.active = False
    session.flush()


def situations(session) -> list[Situation]:
    return list(session.scalars(select(Situation).filter_by(active=True).order_by(Situation.position)))


def situation_or_none(session, slug: str) -> Situation | None:
    return session.scalar(select(Situation).filter_by(slug=slug, active=True))


def search(session, query: str, limit: int = 5) -> list[Situation]:
    return search_index.rank(query, situations(session), limit=limit)


def templates_for(session, situation: Situation) -> list[dict]:
    memos = {m.slug: m for m in session.scalars(select(Memo))}
    return resolve_templates(situation.templates, memos)


def all_templates(session) -> list[dict]:
    memos = list(session.scalars(select(Memo).order_by(Memo.position)))
    return resolve_templates([m.slug for m in memos if m.templates], {m.slug: m for m in memos})


def offline_index(situation_rows: list[Situation]) -> list[dict]:
    """What the page's offline filter needs: slug, title and the stored stems (no personal data)."""
    return [{"slug": s.slug, "title": s.title, "terms": s.terms} for s in situation_rows]


@dataclass(frozen=True)
class IncidentKind:
    """One kind of incident: a playbook situation, or «другое». Everything that varies by kind lives here."""

    slug: str
    title: str
    urgent_default: bool
    min_description: int  # «другое» needs words; a situation's name says most of it
    situation: Situation | None = None


def incident_kinds(session) -> dict[str, IncidentKind]:
    kinds = {s.slug: IncidentKind(s.slug, s.title, s.urgent, 0, s) for s in situations(session)}
    kinds[OTHER] = IncidentKind(OTHER, "Другое", False, 5)
    return kinds


def kind_title(session, slug: str) -> str:
    """The title of a kind, also for a situation no longer in the content."""
    if slug == OTHER:
        return "Другое"
    row = session.scalar(select(Situation).filter_by(slug=slug))
    return row.title if row else slug

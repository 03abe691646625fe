"""Version history of sections and questions: every loaded text is kept, so two versions can be compared.

`content load` calls record_sections and record_questions; a version is added when the text changed
(or when none is stored yet, e.g. for content loaded before history was kept).
"""

import difflib
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_

from ..models import Question, QuestionVersion, Section, SectionVersion


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()


def current_sections(session, section_ids=None) -> dict[int, SectionVersion]:
    """{section_id: its newest SectionVersion}, in one query."""
    newest = select(SectionVersion.section_id, func.max(SectionVersion.version)).group_by(SectionVersion.section_id)
    if section_ids is not None:
        newest = newest.where(SectionVersion.section_id.in_(section_ids))
    stmt = select(SectionVersion).where(tuple_(SectionVersion.section_id, SectionVersion.version).in_(newest))
    return {v.section_id: v for v in session.scalars(stmt)}


def record_sections(session, rows: dict[str, Section], loaded: list[dict]) -> int:
    """Add a version for each loaded section whose file changed; returns how many. `rows` maps slug → Section."""
    session.flush()
    current = current_sections(session, [row.id for row in rows.values()])
    added = 0
    for s in loaded:
        row = rows.get(s["slug"])
        if row is None:
            continue
        last = current.get(row.id)
        digest = source_hash(s["source"])
        if last is None or last.content_hash != digest:
            session.add(SectionVersion(section_id=row.id, version=(last.version + 1) if last else 1,
                                       content_hash=digest, title=s["title"], source=s["source"],
                                       articles=s["articles"]))
            added += 1
    return added


def record_questions(session, quiz_id: int) -> None:
    """Make sure the current version of every question of a bank is stored (the loader has bumped it)."""
    session.flush()
    stored = set(session.execute(select(QuestionVersion.question_id, QuestionVersion.version)
                                 .join(Question, Question.id == QuestionVersion.question_id)
                                 .where(Question.quiz_id == quiz_id)))
    for q in session.scalars(select(Question).filter_by(quiz_id=quiz_id)):
        if (q.id, q.version) not in stored:
            session.add(QuestionVersion(question_id=q.id, version=q.version, content_hash=q.content_hash,
                                        type=q.type, topic=q.topic, data=q.data))


def question_updated_at(session, question_ids) -> dict[int, object]:
    """{question_id: when its current version was loaded}."""
    stmt = (select(Question.id, QuestionVersion.created_at)
            .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
                  & (QuestionVersion.version == Question.version))
            .where(Question.id.in_(question_ids)))
    return dict(session.execute(stmt).all())


def section_versions(session, section_id: int) -> list[SectionVersion]:
    return list(session.scalars(select(SectionVersion).filter_by(section_id=section_id)
                                .order_by(SectionVersion.version)))


def question_versions(session, question_id: int) -> list[QuestionVersion]:
    return list(session.scalars(select(QuestionVersion).filter_by(question_id=question_id)
                                .order_by(QuestionVersion.version)))


def _value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def question_text(version: QuestionVersion) -> str:
    """A question version as lines close to the bank format, for reading and comparing (any question type)."""
    data = dict(version.data)
    lines = [f"type: {version.type}", *([f"topic: {version.topic}"] if version.topic else [])]
    lines.append(f"text: {data.pop('text', '')}")
    lines += [f"{'+' if o.get('correct') else '-'} {o.get('text', '')}" for o in data.pop("options", [])]
    lines += [f"{i}. {_value(item)}" for i, item in enumerate(data.pop("items", []), start=1)]
    lines += [f"= {left} -> {right}" for left, right in data.pop("pairs", [])]
    tail = [data.pop(k, None) for k in ("explanation", "article")]
    lines += [f"{key}: {_value(value)}" for key, value in sorted(data.items()) if value not in (None, "", [], {})]
    lines += [f"explanation: {tail[0] or ''}", f"article: {tail[1] or ''}"]
    return "\n".join(lines) + "\n"


@dataclass
class DiffLine:
    kind: str  # "add", "del", "hunk" or "same"
    text: str


def diff(old: str, new: str, old_name: str, new_name: str) -> list[DiffLine]:
    """A unified diff of two texts as classified lines (empty when they are equal)."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2)
    out = []
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append(DiffLine(kind, line))
    return out

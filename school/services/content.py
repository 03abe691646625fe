"""Read, validate and load courses/ and quizzes/ into the database.

A file with any error loads nothing; the rest loads. Loading is idempotent:
rows are matched by slug or question key, never duplicated.
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..models import Memo, Module, Question, Quiz, Section
from . import articles, history, memo_templates, playbook, qualification, situations, study_time
from .bank_rules import BankRules, bank_errors, question_errors, section_ref
from .frontmatter import ContentError, Parsed, as_int, parse
from .markdown import render
from .quizfile import QuizSpec, parse_quiz

MODULE_FIELDS = {"title", "order", "quiz", "law_as_of", "summary"}
SECTION_FIELDS = {"title", "minutes", "articles", "keywords", "urgent", "templates"}
MEMO_FIELDS = {"title", "order", "as_of"}
SKIP = {"module.md", "README.md"}


@dataclass
class Bundle:
    modules: list[dict] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)
    quizzes: list[QuizSpec] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)  # reported, but nothing is refused


def _date(h: Parsed, path: str, key: str) -> date | None:
    raw = h.fields.get(key)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        h.errors.append(ContentError(path, h.field_lines[key], f"{key}: дата ГГГГ-ММ-ДД"))
        return None


def _module(folder: Path, bundle: Bundle):
    path = folder / "module.md"
    h = parse(str(path), path.read_text(encoding="utf-8"), MODULE_FIELDS, MODULE_FIELDS - {"summary"})
    module = {"slug": folder.name, "title": h.fields.get("title", ""), "quiz_slug": h.fields.get("quiz", ""),
              "position": as_int(h, str(path), "order", 0), "law_as_of": _date(h, str(path), "law_as_of"),
              "summary": h.fields.get("summary", ""), "intro_html": render("\n".join(h.body_lines)),
              "sections": []}
    if h.errors:
        bundle.errors += h.errors
        return
    estimates = []
    for position, spath in enumerate(sorted(p for p in folder.glob("*.md") if p.name not in SKIP)):
        text = spath.read_text(encoding="utf-8")
        s = parse(str(spath), text, SECTION_FIELDS, {"title", "minutes"})
        minutes = as_int(s, str(spath), "minutes", 0, 1, 600)
        if not "".join(s.body_lines).strip():
            s.errors.append(ContentError(str(spath), s.body_start, "раздел пуст"))
        cites = articles.section_articles(s, str(spath))
        situation = situations.from_section(s, str(spath), spath.stem, cites)
        bundle.errors += s.errors
        estimates.append(study_time.estimate(s.body_lines)[0])
        if not s.errors and (warning := study_time.section_warning(minutes, s.body_lines)):
            bundle.warnings.append(ContentError(str(spath), s.field_lines["minutes"], warning))
        module["sections"].append({
            "slug": spath.stem, "position": position, "title": s.fields.get("title", ""), "minutes": minutes,
            "html": render("\n".join(s.body_lines)), "valid": not s.errors, "source": text, "articles": cites,
            "situation": situation})
    if warning := study_time.module_warning(folder.name, estimates):
        bundle.warnings.append(ContentError(str(path), 1, warning))
    bundle.modules.append(module)


def _memo(path: Path, bundle: Bundle):
    h = parse(str(path), path.read_text(encoding="utf-8"), MEMO_FIELDS, MEMO_FIELDS)
    position = as_int(h, str(path), "order", 0)
    as_of = _date(h, str(path), "as_of")
    if h.errors:
        bundle.errors += h.errors
        return
    bundle.memos.append({"slug": path.stem, "title": h.fields["title"], "position": position, "as_of": as_of,
                         "html": render("\n".join(h.body_lines)),
                         "templates": memo_templates.extract(h.fields["title"], h.body_lines)})


def read_content(courses_dir: str, quizzes_dir: str, rules: BankRules | None = None) -> Bundle:
    """Parse and validate every content file; nothing touches the database.

    `rules` are the bank-wide rules (BankRules.from_config(app.config) for `content check` and
    `content load`); None checks every file and question but not the bank-wide rules.
    """
    bundle = Bundle()
    courses = Path(courses_dir)
    for folder in sorted(p for p in courses.iterdir() if p.is_dir()):
        if folder.name == "memos":
            for path in sorted(folder.glob("*.md")):
                _memo(path, bundle)
        elif (folder / "module.md").exists():
            _module(folder, bundle)
    bundle.errors += situations.check_templates(
        [s["situation"] for m in bundle.modules for s in m["sections"] if s.get("situation")], bundle.memos)
    module_slugs = {m["slug"] for m in bundle.modules}
    sections = {f"{m['slug']}/{s['slug']}" for m in bundle.modules for s in m["sections"]}
    for path in sorted(Path(quizzes_dir).glob("*.txt")):
        spec, errors = parse_quiz(str(path), path.stem, path.read_text(encoding="utf-8"))
        if spec.settings["module"] and spec.settings["module"] not in module_slugs:
            errors.append(ContentError(str(path), 1, f"модуль «{spec.settings['module']}» не найден в courses/"))
        errors += _resolve_topic_sections(spec, sections) + question_errors(spec, sections)
        errors += bank_errors(spec, rules) if rules else []
        errors += articles.question_errors(spec)
        bundle.errors += sorted(errors, key=lambda e: e.line)
        if not errors:
            bundle.quizzes.append(spec)
    return bundle


def _resolve_topic_sections(spec: QuizSpec, sections: set[str]) -> list[ContentError]:
    """Turn each topic's sections into `module/section` and report those that do not exist."""
    errors = []
    for slug, topic in spec.settings["topics"].items():
        refs = [section_ref(spec.settings["module"], ref) for ref in topic["sections"]]
        for ref in refs:
            if ref not in sections:
                errors.append(ContentError(spec.path, spec.topic_lines[slug], f"тема {slug}: раздел «{ref}» не найден"))
        topic["sections"] = refs
    return errors


def _upsert(session, model, key: dict, values: dict):
    row = session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    return row


def _load_module(session, m: dict):
    values = {k: m[k] for k in ("title", "quiz_slug", "position", "law_as_of", "summary", "intro_html")}
    module = _upsert(session, Module, {"slug": m["slug"]}, values)
    session.flush()
    present = {s["slug"] for s in m["sections"]}
    for section in list(module.sections):
        if section.slug not in present:
            module.sections.remove(section)
    rows = {}
    for s in m["sections"]:
        if s["valid"]:
            values = {k: s[k] for k in ("position", "title", "minutes", "html")}
            rows[s["slug"]] = _upsert(session, Section, {"module_id": module.id, "slug": s["slug"]}, values)
    history.record_sections(session, rows, [s for s in m["sections"] if s["valid"]])


def _load_quiz(session, spec: QuizSpec, modules: dict) -> int:
    settings = dict(spec.settings)
    settings["module_id"] = modules[settings.pop("module")].id
    quiz = _upsert(session, Quiz, {"slug": spec.slug}, settings)
    session.flush()
    existing = {q.key: q for q in session.scalars(select(Question).filter_by(quiz_id=quiz.id))}
    changed = 0
    for position, q in enumerate(spec.questions):
        row = existing.pop(q.key, None)
        if row is None:
            session.add(Question(quiz_id=quiz.id, key=q.key, content_hash=q.content_hash, type=q.type,
                                 topic=q.topic, position=position, data=q.data))
            changed += 1
            continue
        if row.content_hash != q.content_hash or not row.active:
            # A new version; attempts keep their own snapshot of the old one.
            row.version += 1
            row.content_hash, row.type, row.topic, row.data, row.active = q.content_hash, q.type, q.topic, q.data, True
            changed += 1
        row.position = position
    for row in existing.values():
        row.active = False
    history.record_questions(session, quiz.id)
    return changed


def load_content(session, bundle: Bundle) -> dict:
    """Write the valid part of a bundle in one transaction and report what was loaded."""
    with session.begin_nested():
        for m in bundle.modules:
            _load_module(session, m)
        for memo in bundle.memos:
            values = {k: memo[k] for k in ("title", "position", "as_of", "html", "templates")}
            _upsert(session, Memo, {"slug": memo["slug"]}, values)
        session.flush()
        playbook.load(session, bundle.modules)
        modules = {m.slug: m for m in session.scalars(select(Module))}
        changed = sum(_load_quiz(session, spec, modules) for spec in bundle.quizzes)
        qualification.refresh_all(session)  # `required` may have changed
    session.commit()
    return {"modules": len(bundle.modules), "memos": len(bundle.memos), "quizzes": len(bundle.quizzes),
            "sections": sum(len(m["sections"]) for m in bundle.modules), "questions_changed": changed,
            "errors": len(bundle.errors)}

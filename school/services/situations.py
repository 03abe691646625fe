"""Situations of the voting-day playbook, read from module sections that declare `keywords:`.

A situation section is split at its `##` headings: «Признаки» (signs), «Что делать…» (steps), «Что говорит
закон» (the law) and «Кому звонить» (who to call) become the parts of its playbook page; other headings
except «Самопроверка» follow the steps. Its `templates:` name the fillable templates of the memos
(`memo-slug` for all of a memo's templates, `memo-slug/Заголовок` for one), checked once memos are read.
"""

import re

from . import search_index
from .frontmatter import ContentError, Parsed, as_bool
from .markdown import render

PARTS = {"signs": "Признаки", "law": "Что говорит закон", "steps": "Что делать", "calls": "Кому звонить"}
REQUIRED_PARTS = ("signs", "law", "steps")
SKIPPED = ("Самопроверка",)
MAX_KEYWORDS = 80


def _blocks(body_lines: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(lead lines, [(heading, lines)]) split at `## ` headings."""
    lead, blocks = [], []
    for line in body_lines:
        if line.startswith("## "):
            blocks.append((line[3:].strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            lead.append(line)
    return lead, blocks


def _part_of(heading: str) -> str | None:
    return next((key for key, start in PARTS.items() if heading.startswith(start)), None)


def split_list(raw: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,;]", raw or "") if item.strip()]


def from_section(parsed: Parsed, path: str, slug: str, cites: list[str]) -> dict | None:
    """The playbook entry of a section, or None if it is not a situation (no `keywords:`).
    Errors go to parsed.errors with their lines."""
    if "keywords" not in parsed.fields:
        for key in ("urgent", "templates"):
            if key in parsed.fields:
                parsed.errors.append(ContentError(path, parsed.field_lines[key],
                                                  f"«{key}» бывает только у ситуации (с полем keywords)"))
        return None
    keywords = split_list(parsed.fields["keywords"])
    if not keywords or len(keywords) > MAX_KEYWORDS:
        parsed.errors.append(ContentError(path, parsed.field_lines["keywords"],
                                          f"keywords: от 1 до {MAX_KEYWORDS} слов или фраз через запятую"))
    lead, blocks = _blocks(parsed.body_lines)
    parts, extra = {}, []
    for heading, lines in blocks:
        key = _part_of(heading)
        if key and key not in parts:
            parts[key] = render("\n".join(lines))
        elif heading not in SKIPPED:
            extra.append({"heading": heading, "html": render("\n".join(lines))})
    for key in REQUIRED_PARTS:
        if key not in parts:
            parsed.errors.append(ContentError(path, parsed.body_start, f"у ситуации нет раздела «## {PARTS[key]}»"))
    texts = {"title": parsed.fields.get("title", ""), "keywords": " , ".join(keywords),
             "signs": _plain(blocks, "signs"), "body": "\n".join(lead + [ln for _, lines in blocks for ln in lines])}
    return {
        "slug": slug, "keywords": keywords, "urgent": as_bool(parsed, path, "urgent", False),
        "templates": split_list(parsed.fields.get("templates", "")),
        "templates_line": parsed.field_lines.get("templates", 1), "path": path,
        "lead_html": render("\n".join(lead)), "parts": parts, "extra": extra, "articles": cites,
        "terms": search_index.document_terms(texts, keywords),
    }


def _plain(blocks, part: str) -> str:
    return "\n".join(line for heading, lines in blocks if _part_of(heading) == part for line in lines)


def check_templates(situations: list[dict], memos: list[dict]) -> list[ContentError]:
    """Each `templates:` item names a memo that has fillable templates, or one of them by title."""
    by_memo = {m["slug"]: [t["title"] for t in m["templates"]] for m in memos}
    errors = []
    for s in situations:
        for ref in s["templates"]:
            memo, _, title = ref.partition("/")
            titles = by_memo.get(memo.strip())
            if not titles:
                errors.append(ContentError(s["path"], s["templates_line"],
                                           f"templates: в памятках нет образцов «{memo.strip()}»"))
            elif title and title.strip() not in titles:
                errors.append(ContentError(s["path"], s["templates_line"],
                                           f"templates: в памятке «{memo.strip()}» нет образца «{title.strip()}»; "
                                           f"есть: {', '.join(titles)}"))
    return errors


def resolve_templates(refs: list[str], memos: dict) -> list[dict]:
    """The templates a situation names, in order, each once: {memo slug: memo} → [template dicts]."""
    found, seen = [], set()
    for ref in refs:
        slug, _, title = (part.strip() for part in ref.partition("/"))
        memo = memos.get(slug)
        for template in (memo.templates if memo else []):
            if (not title or template["title"] == title) and (slug, template["title"]) not in seen:
                seen.add((slug, template["title"]))
                found.append({**template, "memo": slug, "memo_title": memo.title})
    return found

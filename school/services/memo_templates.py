"""Fillable templates found in memos: the act, the applications, the complaint.

A template is a quoted block (`> …`) with blanks in square brackets: «Участок № [ ], [ФИО]». A blank with
« / » offers choices («[решение / действие / бездействие]»). A memo whose quoted block has a line «… текст
просьбы …» is a frame: each of its request paragraphs (`**Название.** «текст с [ ]»`) becomes a template of
its own, the frame around the request. Titles: a request's own, else the memo's title before « — ».
"""

import re

BLANK_RE = re.compile(r"\[([^\[\]]*)\]")
REQUEST_RE = re.compile(r"^\*\*(?P<title>[^*]+?)\.?\*\*\s*«(?P<text>.+?)»\.?(?:\s|$)")
SLOT = "текст просьбы"


def _quote_blocks(lines: list[str]) -> list[list[str]]:
    blocks, current = [], None
    for line in lines:
        if line.startswith(">"):
            current = current if current is not None else []
            current.append(line[1:].strip())
        elif current is not None:
            blocks.append(current)
            current = None
    if current is not None:
        blocks.append(current)
    return blocks


def _clean(text: str) -> str:
    return text.replace("**", "").replace("*", "").strip()


def _paragraphs(block: list[str]) -> list[str]:
    """A quoted block's lines, blank quote lines kept as paragraph breaks ("")."""
    return [_clean(line) for line in block]


def extract(title: str, body_lines: list[str]) -> list[dict]:
    """[{"title", "lines"}] of a memo's fillable templates; lines keep the blanks as written."""
    blocks = [b for b in _quote_blocks(body_lines) if any(BLANK_RE.search(line) for line in b)]
    frame = next((b for b in blocks if any(SLOT in line for line in b)), None)
    name = title.split(" — ")[0].strip()
    if frame is None:
        return [{"title": name if len(blocks) == 1 else f"{name} ({n})", "lines": _paragraphs(b)}
                for n, b in enumerate(blocks, start=1)]
    templates = []
    for line in body_lines:
        if m := REQUEST_RE.match(line.strip()):
            request = _clean(m["text"]).rstrip(".") + "."
            lines = [(request if SLOT in f else _clean(f)) for f in frame]
            templates.append({"title": m["title"].strip(), "lines": lines})
    return templates


def pieces(line: str) -> list[dict]:
    """A template line as text and blanks, for the fill-in form: blanks get a label from the text before them."""
    result, last = [], 0
    for match in BLANK_RE.finditer(line):
        before = line[last:match.start()]
        if before:
            result.append({"text": before})
        hint = match.group(1).strip()
        choices = [c.strip() for c in hint.split(" / ")] if " / " in hint else []
        context = " ".join(re.findall(r"[^\s\[\]]+", line[:match.start()])[-3:])
        result.append({"blank": hint or "…", "raw": match.group(0), "choices": choices,
                       "label": hint or context or "пропуск"})
        last = match.end()
    if line[last:]:
        result.append({"text": line[last:]})
    return result

"""Import: GIFT text into questions of our banks plus every error (from_gift)."""

import re

from ..frontmatter import ContentError
from ..question_types import REGISTRY
from ..quizfile import META_FIELDS, TO_FILL, QuestionSpec
from .answers import parse_answers
from .common import ARTICLE_CLOSE, ARTICLE_OPEN, FORMAT_RE, ORDER_MARK_RE, PLACEHOLDER, GiftError, _restore
from .keys import question_key
from .text import _piece, _plain

META_RE = re.compile(r"\s*\[\[(" + "|".join(META_FIELDS) + r"):([^\]]*)\]\]\s*$")


def from_gift(text: str, path: str = "<gift>") -> tuple[list[QuestionSpec], list[ContentError]]:
    """Parse GIFT into questions of our banks plus every error (file, line of the question, message).

    Questions that could be read are returned even if they have errors (for a preview);
    write a bank only when the error list is empty.
    """
    reader = _GiftReader(path)
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        reader.feed(number, line)
    reader.flush()
    return reader.questions, sorted(reader.errors, key=lambda e: e.line)


class _GiftReader:
    """Collects blank-line separated blocks and turns each into a QuestionSpec."""

    def __init__(self, path):
        self.path, self.questions, self.errors, self.seen = path, [], [], {}
        self.topic, self.order_mark, self.block, self.start, self.count = "", False, [], 0, 0

    def error(self, line, message):
        self.errors.append(ContentError(self.path, line, message))

    def feed(self, number, line):
        stripped = line.strip()
        if stripped.startswith("//"):
            self.order_mark = self.order_mark or bool(ORDER_MARK_RE.match(stripped))
        elif stripped.startswith("$CATEGORY:"):
            self.flush()
            self.topic = _topic(stripped[len("$CATEGORY:"):])
        elif not stripped:
            self.flush()
        else:
            self.start = self.start if self.block else number
            self.block.append(line)

    def flush(self):
        if not self.block:
            return
        text, self.block, self.count = "\n".join(self.block), [], self.count + 1
        is_order, self.order_mark = self.order_mark, False
        try:
            title, qtype, data = _parse_question(text, is_order)
        except GiftError as exc:
            self.error(self.start, f"вопрос {self.count}: {exc}")
            return
        key = question_key(title, data["text"])
        self.questions.append(QuestionSpec(key, self.start, qtype, self.topic, data))
        self._check(key, qtype, data)

    def _check(self, key, qtype, data):
        if key in self.seen:
            self.error(self.start, f"идентификатор {key} уже был в строке {self.seen[key]}: названия вопросов "
                                   "(или тексты вопросов без названия) должны различаться")
        self.seen.setdefault(key, self.start)
        for name in ("text", "explanation", "article"):  # what the file lacks is marked; content check asks for it
            data[name] = data[name] or TO_FILL
        for message in REGISTRY[qtype].validate(data):
            self.error(self.start, f"вопрос {key}: {message}")


def _topic(raw: str) -> str:
    parts = [p.strip() for p in raw.split("/") if p.strip()]
    if parts and parts[0].startswith("$") and parts[0].endswith("$"):
        parts = parts[2:] if parts[1:2] == ["top"] else parts[1:]
    return "/".join(parts[1:])


def _parse_question(text: str, is_order: bool) -> tuple[str, str, dict]:
    """(title, type, data) of one question block; raises GiftError."""
    title, body = _title(_protect(text))
    match = FORMAT_RE.match(body)
    fmt, body = (match.group(1).lower(), body[match.end():]) if match else ("moodle", body)
    head, answers, tail = _braces(body)
    question = f"{head.rstrip()} _____ {tail.lstrip()}" if tail.strip() else head
    answers, _, feedback = answers.partition("####")
    qtype, extra = parse_answers(answers.strip(), is_order, fmt)
    data = {"text": _plain(question, fmt), **_feedback(feedback, fmt), "options": [], "items": [], "pairs": []}
    return title, qtype, {**data, **extra}


def _protect(text: str) -> str:
    """Replace escapes (\\~ \\= \\# \\{ \\} \\: \\\\ \\n) so they no longer look like GIFT syntax."""
    def one(m):
        char = m.group(1)
        return "\n" if char == "n" else PLACEHOLDER.get(char, m.group(0))
    return re.sub(r"\\(.)", one, text)


def _title(text: str) -> tuple[str, str]:
    text = text.lstrip()
    if not text.startswith("::"):
        return "", text
    title, sep, body = text[2:].partition("::")
    if not sep:
        raise GiftError("название ::…:: не закрыто")
    return _restore(title).strip(), body.lstrip()


def _braces(body: str) -> tuple[str, str, str]:
    start = body.find("{")
    if start < 0:
        raise GiftError("нет блока ответов { … }; описания без ответов не импортируются")
    end = body.find("}", start)
    if end < 0:
        raise GiftError("не закрыта фигурная скобка { (или вопрос разорван пустой строкой)")
    if "{" in body[start + 1:end]:
        raise GiftError("внутри ответов ещё одна фигурная скобка {; в тексте пишите \\{")
    tail = body[end + 1:]
    if re.search(r"\n\s*::", tail):
        raise GiftError("сразу за вопросом начинается следующий (::…::): между вопросами нужна пустая строка")
    if "}" in body[:start] or "{" in tail or "}" in tail:
        raise GiftError("лишняя фигурная скобка (следующий вопрос отделяют пустой строкой); в тексте пишите "
                        "\\{ и \\}")
    return body[:start], body[start + 1:end], tail


def _feedback(raw: str, fmt: str) -> dict:
    """Split the general feedback into explanation, metadata and article
    (`... [[kind: scenario]] [[section: 02-x]] [[article: ст. 5]]`)."""
    text = _piece(raw, fmt)
    head, sep, tail = text.rpartition(ARTICLE_OPEN)
    if not (sep and tail.endswith(ARTICLE_CLOSE)):
        return {"explanation": text, "article": ""}
    meta = {}
    while m := META_RE.search(head):
        meta[m.group(1)] = m.group(2).strip()
        head = head[:m.start()]
    return {"explanation": head.strip(), **meta, "article": tail[:-len(ARTICLE_CLOSE)].strip()}

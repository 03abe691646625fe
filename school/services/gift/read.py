"""Import: GIFT text into questions of our banks plus every error (from_gift)."""

import html
import re

from ..frontmatter import ContentError
from ..question_types import REGISTRY
from ..quizfile import KEY_RE, QuestionSpec
from .common import ARTICLE_CLOSE, ARTICLE_OPEN, FORMAT_RE, ORDER_MARK_RE, PLACEHOLDER, GiftError, _restore

WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:[.,]\d+)?)%")
TRUE_WORDS, FALSE_WORDS = {"T", "TRUE"}, {"F", "FALSE"}


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
        key = title if KEY_RE.match(title) else f"gift-{self.count:03d}"
        self.questions.append(QuestionSpec(key, self.start, qtype, self.topic, data))
        self._check(key, qtype, data)

    def _check(self, key, qtype, data):
        if key in self.seen:
            self.error(self.start, f"идентификатор {key} уже был в строке {self.seen[key]}")
        self.seen.setdefault(key, self.start)
        missing = (("text", "нет текста вопроса"), ("explanation", "нет пояснения (общий отзыв ####…)"),
                   ("article", "нет ссылки на статью ([[article: …]] в конце общего отзыва)"))
        for name, message in missing:
            if not data[name]:
                self.error(self.start, f"вопрос {key}: {message}")
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
    qtype, extra = _answers(answers.strip(), is_order, fmt)
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
    if end < 0 or "{" in body[start + 1:end]:
        raise GiftError("не закрыта фигурная скобка {")
    tail = body[end + 1:]
    if "}" in body[:start] or "{" in tail or "}" in tail:
        raise GiftError("лишняя фигурная скобка; в тексте пишите \\{ и \\}")
    return body[:start], body[start + 1:end], tail


def _answers(ans: str, is_order: bool, fmt: str) -> tuple[str, dict]:
    """Type and type-specific data, decided the way Moodle decides it."""
    if not ans:
        raise GiftError("эссе ({}) не поддерживается")
    if ans.startswith("#"):
        return "numeric", _numeric_answer(ans[1:].strip())
    if "~" in ans:
        entries = _entries(ans)
        options = [{"text": _piece(raw, fmt), "correct": weight > 0} for _, weight, raw in entries]
        return ("single" if any(m == "=" for m, _, _ in entries) else "multiple"), {"options": options}
    if "=" in ans and "->" in ans:
        return ("order", {"items": _items(ans, fmt)}) if is_order else ("match", {"pairs": _pairs(ans, fmt)})
    word = ans.partition("#")[0].strip().upper()
    if word in TRUE_WORDS | FALSE_WORDS:
        return "truefalse", {"answer": word in TRUE_WORDS}
    raise GiftError("краткий ответ ({=…} без ~) не поддерживается")


def _entries(ans: str) -> list[tuple[str, float, str]]:
    """(marker, weight %, text without per-answer feedback) for each `=`/`~` answer."""
    found = list(re.finditer(r"([=~])([^=~]*)", ans))
    if not found or ans[:found[0].start()].strip():
        raise GiftError("ответы должны начинаться с = или ~")
    entries = []
    for m in found:
        raw = m.group(2)
        weight = WEIGHT_RE.match(raw)
        value = float(weight.group(1).replace(",", ".")) if weight else (100.0 if m.group(1) == "=" else 0.0)
        text = (raw[weight.end():] if weight else raw).partition("#")[0]
        if not text.strip():
            raise GiftError("пустой вариант ответа")
        entries.append((m.group(1), value, text))
    return entries


def _split_pairs(ans: str, fmt: str, last: bool) -> list[tuple[str, str]]:
    pairs = []
    for _, _, raw in _entries(ans):
        left, sep, right = raw.rpartition("->") if last else raw.partition("->")
        left, right = _piece(left, fmt), _piece(right, fmt)
        if not sep or not left or not right:
            raise GiftError("пара пишется так: =левая часть -> правая часть")
        pairs.append((left, right))
    return pairs


def _pairs(ans: str, fmt: str) -> list[list[str]]:
    return [[left, right] for left, right in _split_pairs(ans, fmt, last=False)]


def _items(ans: str, fmt: str) -> list[str]:
    pairs = _split_pairs(ans, fmt, last=True)
    places = [p for _, p in pairs]
    if sorted(places) != sorted(str(i) for i in range(1, len(pairs) + 1)):
        raise GiftError(f"вопрос на порядок: справа должны стоять номера 1…{len(pairs)}")
    return [item for item, _ in sorted(pairs, key=lambda p: int(p[1]))]


def _numeric_answer(ans: str) -> dict:
    if ans.startswith("="):
        full = [raw for _, weight, raw in _entries(ans) if weight >= 100]
        if not full:
            raise GiftError("числовой вопрос: нет ответа на 100 %")
        ans = full[0]
    raw = _restore(ans.partition("#")[0]).strip()
    if ".." in raw:
        low, high = (_float(x) for x in raw.split("..", 1))
        return {"answer": (low + high) / 2, "tolerance": abs(high - low) / 2}
    value, _, tolerance = raw.partition(":")
    return {"answer": _float(value), "tolerance": abs(_float(tolerance)) if tolerance.strip() else 0.0}


def _float(raw: str) -> float:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise GiftError(f"числовой ответ: ожидается число, а не «{raw.strip()[:40]}»") from None


def _feedback(raw: str, fmt: str) -> dict:
    """Split the general feedback into explanation and article (`... [[article: ст. 5]]`)."""
    text = _piece(raw, fmt)
    head, sep, tail = text.rpartition(ARTICLE_OPEN)
    if sep and tail.endswith(ARTICLE_CLOSE):
        return {"explanation": head.strip(), "article": tail[:-len(ARTICLE_CLOSE)].strip()}
    return {"explanation": text, "article": ""}


def _piece(raw: str, fmt: str) -> str:
    """An answer or feedback text: its own format prefix wins over the question's."""
    raw = raw.strip()
    match = FORMAT_RE.match(raw)
    return _plain(raw[match.end():], match.group(1).lower()) if match else _plain(raw, fmt)


def _plain(raw: str, fmt: str) -> str:
    text = _restore(raw)
    if fmt == "html":
        text = re.sub(r"(?i)<br\s*/?>|</(?:p|div|li|h[1-6])\s*>", "\n", text)
        text = html.unescape(re.sub(r"<[^>]*>", "", text)).replace("\xa0", " ")
        text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()

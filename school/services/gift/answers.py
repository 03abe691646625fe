"""The answer block `{…}` of a GIFT question: its type and data, decided the way Moodle decides.

Meaning is kept or the question is refused (GiftError), never changed:
* choices: `=`/`~` with Moodle's weights. When the weights are our own scoring (each right
  option 100/n, each wrong one -100/n, as our export writes them) the options are plain `+`/`-`;
  any other weights (`~%50%`, `~%-100%`, `~%70%`/`~%30%`, single-choice penalties) are kept as
  weights and graded by them;
* numeric: every answer (`{#=5 =7 =11}`), its tolerance or range, partial credit and feedback;
* short answer: every accepted answer, partial credit and feedback; Moodle's `*` wildcard is refused;
* per-answer feedback (`#…`) is kept; in a matching question `#` is text, as in Moodle.
"""

import re
from dataclasses import dataclass

from .common import GiftError, _num, _restore
from .text import _piece

WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:[.,]\d+)?)%")
TRUE_WORDS, FALSE_WORDS = {"T", "TRUE"}, {"F", "FALSE"}
STAR = "\ue0ff"  # an escaped \* (a literal star) while a short answer is checked for Moodle's wildcard


@dataclass
class _Entry:
    marker: str  # "=" or "~"
    weight: float | None  # as written (%50%), None when not written
    text: str  # raw: GIFT escapes are still placeholders
    feedback: str


def parse_answers(ans: str, is_order: bool, fmt: str) -> tuple[str, dict]:
    """Type and type-specific data of an answer block (without its general feedback)."""
    if not ans:
        raise GiftError("эссе ({}) не поддерживается: его ответ не проверить автоматически")
    if ans.startswith("#"):
        return "numeric", _numeric(ans[1:].strip(), fmt)
    if "~" in ans:
        return _choice(_entries(ans), fmt)
    if "=" in ans and "->" in ans:
        return ("order", {"items": _items(ans, fmt)}) if is_order else ("match", {"pairs": _pairs(ans, fmt)})
    if ans.partition("#")[0].strip().upper() in TRUE_WORDS | FALSE_WORDS:
        return "truefalse", _truefalse(ans, fmt)
    return "short", {"options": _short(_entries(ans), fmt)}


def _entries(ans: str, feedback: bool = True) -> list[_Entry]:
    found = list(re.finditer(r"([=~])([^=~]*)", ans))
    if not found or ans[:found[0].start()].strip():
        raise GiftError("ответы должны начинаться с = или ~")
    entries = []
    for m in found:
        raw, weight = m.group(2), WEIGHT_RE.match(m.group(2))
        text, _, note = (raw[weight.end():] if weight else raw).partition("#") if feedback else (raw, "", "")
        if not text.strip():
            raise GiftError("пустой вариант ответа")
        value = float(weight.group(1).replace(",", ".")) if weight else None
        entries.append(_Entry(m.group(1), value, text, note))
    return entries


def _option(text: str, weight: float, note: str, fmt: str, plain: bool) -> dict:
    option = {"text": text, "correct": weight > 0}
    if not plain and weight not in (0, 100):
        option["weight"] = weight
    if note.strip():
        option["feedback"] = _piece(note, fmt)
    return option


def _weights(entries: list[_Entry], low: float, what: str) -> list[float]:
    weights = [e.weight if e.weight is not None else (100.0 if e.marker == "=" else 0.0) for e in entries]
    for w in weights:
        if not low <= w <= 100:
            raise GiftError(f"{what}: вес {w:g} % вне пределов от {low:g} до 100 %")
    return weights


def _choice(entries: list[_Entry], fmt: str) -> tuple[str, dict]:
    weights = _weights(entries, -100, "вариант ответа")
    if any(e.marker == "=" for e in entries):
        full = weights.count(100)
        if full != 1:
            raise GiftError(f"вопрос с одним ответом: ответов на 100 % должно быть ровно один, а их {full}")
        return "single", {"options": [_option(_piece(e.text, fmt), w, e.feedback, fmt, False)
                                      for e, w in zip(entries, weights, strict=True)]}
    positive = [w for w in weights if w > 0]
    if not positive:
        raise GiftError("ни у одного варианта нет положительного веса (~%50%…): верного ответа нет")
    share = 100 / len(positive)
    ours = all(abs(w - share) < 1e-3 for w in positive) and all(abs(w + share) < 1e-3 for w in weights if w <= 0)
    return "multiple", {"options": [_option(_piece(e.text, fmt), w, e.feedback, fmt, ours)
                                    for e, w in zip(entries, weights, strict=True)]}


def _numeric(ans: str, fmt: str) -> dict:
    if "~" in ans:
        raise GiftError("числовой вопрос: отзыв на любой другой ответ (~…) не поддерживается")
    if ans.startswith("="):
        entries = _entries(ans)
    else:
        text, _, note = ans.partition("#")
        entries = [_Entry("=", None, text, note)]
    weights = _weights(entries, 0, "числовой ответ")
    if 100 not in weights:
        raise GiftError("числовой вопрос: нет ответа на 100 %")
    numbers = [_number(_restore(e.text)) for e in entries]
    if len(entries) == 1 and not entries[0].feedback.strip():
        return {"answer": numbers[0][1], "tolerance": numbers[0][2]}
    return {"options": [_option(n[0], w, e.feedback, fmt, False)
                        for e, w, n in zip(entries, weights, numbers, strict=True)]}


def _number(raw: str) -> tuple[str, float, float]:
    """(text of our answer line, value, tolerance) of `12`, `12:0.5` or `2..4`."""
    raw = raw.strip()
    if ".." in raw:
        low, high = (_float(x) for x in raw.split("..", 1))
        return f"{_num(low)}..{_num(high)}", (low + high) / 2, abs(high - low) / 2
    value, _, tolerance = raw.partition(":")
    value, tolerance = _float(value), abs(_float(tolerance)) if tolerance.strip() else 0.0
    return (f"{_num(value)} ± {_num(tolerance)}" if tolerance else _num(value)), value, tolerance


def _float(raw: str) -> float:
    try:
        return float(raw.strip().replace(",", "."))
    except ValueError:
        raise GiftError(f"числовой ответ: ожидается число, а не «{raw.strip()[:40]}»") from None


def _short(entries: list[_Entry], fmt: str) -> list[dict]:
    weights = _weights(entries, 0, "краткий ответ")
    if 100 not in weights:
        raise GiftError("краткий ответ: нет ответа на 100 %")
    options = []
    for e, w in zip(entries, weights, strict=True):
        text = e.text.replace("\\*", STAR)
        if "*" in text:
            raise GiftError("краткий ответ: звёздочка * (шаблон Moodle) не поддерживается, ответ сравнивается целиком")
        options.append(_option(_restore(text).replace(STAR, "*").strip(), w, e.feedback, fmt, False))
    return options


def _truefalse(ans: str, fmt: str) -> dict:
    """`T#feedback for a wrong answer#feedback for a right one`, as in Moodle."""
    word, _, notes = ans.partition("#")
    answer = word.strip().upper() in TRUE_WORDS
    wrong, _, right = notes.partition("#")
    data = {"answer": answer}
    for name, note in ((f"feedback_{str(not answer).lower()}", wrong), (f"feedback_{str(answer).lower()}", right)):
        if note.strip():
            data[name] = _piece(note, fmt)
    return data


def _split_pairs(ans: str, fmt: str, last: bool) -> list[tuple[str, str]]:
    pairs = []
    for entry in _entries(ans, feedback=False):
        left, sep, right = entry.text.rpartition("->") if last else entry.text.partition("->")
        if not sep:
            raise GiftError("пара пишется так: =левая часть -> правая часть")
        left, right = _piece(left, fmt), _piece(right, fmt)
        if not left:
            raise GiftError("пара без левой части (в Moodle — лишний ответ для выбора) не поддерживается")
        if not right:
            raise GiftError("пара без правой части: пишется так: =левая часть -> правая часть")
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

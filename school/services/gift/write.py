"""Export: a parsed bank as GIFT text (to_gift)."""

import html

from ..qtypes.base import FULL, weight, weighted
from ..qtypes.typed import RANGE_RE, VALUE_RE
from ..quizfile import META_FIELDS, QuestionSpec, QuizSpec
from .common import ARTICLE_CLOSE, ARTICLE_OPEN, FORMAT_RE, ORDER_MARK, GiftError, _escape, _num


def to_gift(spec: QuizSpec) -> str:
    """GIFT text of every question of a parsed bank, in bank order, with categories per topic."""
    lines = [f"// {spec.settings.get('title', '')} ({spec.slug}): экспорт Observer School", ""]
    topic = None
    for question in spec.questions:
        if question.topic != topic:
            topic = question.topic
            lines += [f"$CATEGORY: {'/'.join(p for p in (spec.slug, topic) if p)}", ""]
        lines += _gift_question(question) + [""]
    return "\n".join(lines)


def _gift_question(q: QuestionSpec) -> list[str]:
    writer = _WRITERS.get(q.type)
    if writer is None:
        raise GiftError(f"вопрос {q.key}: тип «{q.type}» нельзя выгрузить в GIFT")
    d = q.data
    meta = "".join(f" [[{name}: {d[name]}]]" for name in META_FIELDS if d.get(name))
    feedback = _out(f"{d['explanation']}{meta} {ARTICLE_OPEN} {d['article']}{ARTICLE_CLOSE}".strip())
    head = [ORDER_MARK] if q.type == "order" else []
    try:
        answers = writer(d)
    except GiftError as exc:
        raise GiftError(f"вопрос {q.key}: {exc}") from None
    return [*head, f"::{q.key}::{_out(d['text'])}{{", *(f"\t{a}" for a in answers), f"\t####{feedback}", "}"]


def _answer(marker: str, weight: float | None, text: str, option: dict) -> str:
    """`=text` or `~%-50%text` (the weight written when given), then `#feedback` if the option has one."""
    note = f"#{_out(option['feedback'])}" if option.get("feedback") else ""
    return f"{marker}{'' if weight is None else f'%{_num(weight)}%'}{text}{note}"


def _single(d):
    return [_answer("=", None, _out(o["text"]), o) if weight(o) == FULL else _answer("~", weight(o) or None,
                                                                                   _out(o["text"]), o)
            for o in d["options"]]


def _multiple(d):
    if weighted(d["options"]):
        return [_answer("~", weight(o) or None, _out(o["text"]), o) for o in d["options"]]
    share = _weight(sum(o["correct"] for o in d["options"]))
    return [_answer("~", None, f"%{'' if o['correct'] else '-'}{share}%{_out(o['text'])}", o) for o in d["options"]]


def _weight(right: int) -> str:
    """100 / right rounded to 5 decimals, as Moodle lists its grades: 50, 33.33333, 25, 20..."""
    return f"{100 / max(right, 1):.5f}".rstrip("0").rstrip(".")


def _truefalse(d):
    """`TRUE#feedback for a wrong answer#feedback for a right one`, as Moodle reads it."""
    right, wrong = (d.get("feedback_true"), d.get("feedback_false"))[::1 if d["answer"] else -1]
    notes = f"#{_out(wrong or '')}" + (f"#{_out(right)}" if right else "") if wrong or right else ""
    return [("TRUE" if d["answer"] else "FALSE") + notes]


def _match(d):
    return [f"={_out(left)} -> {_out(right)}" for left, right in d["pairs"]]


def _order(d):
    return [f"={_out(item)} -> {place}" for place, item in enumerate(d["items"], start=1)]


def _numeric(d):
    if d.get("options"):  # several answers, partial credit or feedback
        return ["#", *(_answer("=", None if weight(o) == FULL else weight(o), _number(o["text"]), o)
                      for o in d["options"])]
    tolerance = d.get("tolerance") or 0.0
    return [f"#{_num(d['answer'])}" + (f":{_num(tolerance)}" if tolerance else "")]


def _number(text: str) -> str:
    """`12`, `9 ± 1` or `2..4` of our answer line as GIFT: `12`, `9:1`, `2..4`."""
    text = text.strip().replace(",", ".")
    if m := RANGE_RE.match(text):
        return f"{m.group(1)}..{m.group(2)}"
    m = VALUE_RE.match(text)
    return m.group(1) + (f":{m.group(2)}" if m.group(2) else "")


def _short(d):
    return [_answer("=", None if weight(o) == FULL else weight(o), _literal(o["text"]), o) for o in d["options"]]


def _literal(text: str) -> str:
    """A short answer: Moodle compares it as typed (no HTML), `*` would be its wildcard, `->` a matching pair."""
    if "->" in text:
        raise GiftError(f"краткий ответ «{text}»: стрелку -> в GIFT не записать, Moodle прочтёт сопоставление")
    return _escape(text).replace("*", "\\*")


_WRITERS = {"single": _single, "multiple": _multiple, "truefalse": _truefalse, "match": _match,
            "order": _order, "numeric": _numeric, "short": _short}


def _out(text: str) -> str:
    """Escaped for GIFT and for the HTML Moodle shows (so `<`, `&` and a `->` inside a pair survive a
    re-import); a text that itself starts like a format prefix gets an explicit [moodle] one."""
    return ("[moodle]" if FORMAT_RE.match(text) else "") + _escape(html.escape(text, quote=False))

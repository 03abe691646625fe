"""Export: a parsed bank as GIFT text (to_gift)."""

from ..quizfile import QuestionSpec, QuizSpec
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
    feedback = _out(f"{d['explanation']} {ARTICLE_OPEN} {d['article']}{ARTICLE_CLOSE}".strip())
    head = [ORDER_MARK] if q.type == "order" else []
    return [*head, f"::{q.key}::{_out(d['text'])}{{", *(f"\t{a}" for a in writer(d)), f"\t####{feedback}", "}"]


def _single(d):
    return [("=" if o["correct"] else "~") + _out(o["text"]) for o in d["options"]]


def _multiple(d):
    weight = _weight(sum(o["correct"] for o in d["options"]))
    return [f"~%{'' if o['correct'] else '-'}{weight}%{_out(o['text'])}" for o in d["options"]]


def _weight(right: int) -> str:
    """100 / right rounded to 5 decimals, as Moodle lists its grades: 50, 33.33333, 25, 20..."""
    return f"{100 / max(right, 1):.5f}".rstrip("0").rstrip(".")


def _truefalse(d):
    return ["TRUE" if d["answer"] else "FALSE"]


def _match(d):
    return [f"={_out(left)} -> {_out(right)}" for left, right in d["pairs"]]


def _order(d):
    return [f"={_out(item)} -> {place}" for place, item in enumerate(d["items"], start=1)]


def _numeric(d):
    tolerance = d.get("tolerance") or 0.0
    return [f"#{_num(d['answer'])}" + (f":{_num(tolerance)}" if tolerance else "")]


_WRITERS = {"single": _single, "multiple": _multiple, "truefalse": _truefalse, "match": _match,
            "order": _order, "numeric": _numeric}


def _out(text: str) -> str:
    """Escaped text; a text that itself starts like a format prefix gets an explicit [moodle] one."""
    return ("[moodle]" if FORMAT_RE.match(text) else "") + _escape(text)

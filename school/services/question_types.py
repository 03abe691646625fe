"""Question types: a registry mapping a type name to everything about it.

Each type owns how its bank data is checked, how an attempt's snapshot is drawn, the form
fields it posts, how they are parsed (with the message a consultant sees), how it is graded
(weights and partial credit included), its per-answer feedback, and its template partials
`quiz/types/<name>.html` (the question) and `<name>_review.html`. The types live in `qtypes/`.

A snapshot is what an attempt stores for one question. Choice ids in it are random per
attempt and carry no order and no key; display order is shuffled; `src` maps a choice back
to its place in the bank, for statistics. Only `public_view` of a snapshot reaches a page
before the attempt is finished: never the key, weights, accepted answers or feedback.
"""

from werkzeug.datastructures import MultiDict

from .qtypes.arrange import Match, Order
from .qtypes.base import AnswerError, QuestionType
from .qtypes.choice import Multiple, Single, TrueFalse
from .qtypes.typed import Numeric, Short

__all__ = ["REGISTRY", "AnswerError", "QuestionType", "answer_feedback", "form_values", "parse_posted",
           "posted_values", "public_view"]

REGISTRY: dict[str, QuestionType] = {
    t.name: t for t in (Single(), Multiple(), TrueFalse(), Order(), Match(), Numeric(), Short())}


def public_view(snapshot: dict) -> dict:
    """What a page may show while the attempt is open: ids and texts, never the key, the
    explanation or where a choice sits in the bank."""
    view = {k: snapshot[k] for k in ("type", "text") if k in snapshot}
    for part in ("choices", "prompts"):
        if part in snapshot:
            view[part] = [{"id": c["id"], "text": c["text"]} for c in snapshot[part]]
    return view


def answer_feedback(snapshot: dict, answer) -> list[str]:
    """The per-answer feedback for a finished question's answer (for the review only)."""
    return [] if answer is None else REGISTRY[snapshot["type"]].feedback(snapshot, answer)


def form_values(pos: int, snapshot: dict, answer) -> MultiDict:
    """The saved answer as the form fields that would post it (what the page shows as chosen)."""
    if answer is None:
        return MultiDict()
    return MultiDict(REGISTRY[snapshot["type"]].fields(pos, snapshot, answer))


def posted_values(pos: int, form) -> MultiDict:
    """The fields of question `pos` in a posted form."""
    own = f"q{pos}"
    return MultiDict([(k, v) for k in form for v in form.getlist(k) if k == own or k.startswith(own + "-")])


def parse_posted(pos: int, snapshot: dict, form):
    """(answer, None), (None, error), or (None, None) when the question was left blank."""
    values = form.getlist(f"q{pos}")
    prefix = f"q{pos}-"
    subfields = {k[len(prefix):]: form.get(k) for k in form if k.startswith(prefix)}
    if not any(v.strip() for v in [*values, *subfields.values()]):
        return None, None
    try:
        return REGISTRY[snapshot["type"]].parse(snapshot, values, subfields), None
    except AnswerError as exc:
        return None, str(exc)

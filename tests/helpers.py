"""Test helpers that read the server-side key of an attempt to answer it.

Answers become form fields through the question types' own `fields`, as the page posts them.
"""

from school.extensions import db
from school.models import Attempt
from school.services.question_types import REGISTRY


def wrong_answer(s: dict):
    """An answer to a snapshot that scores 0."""
    kind = s["type"]
    if kind == "numeric":
        return s["correct"] + 100
    if kind == "order":
        return list(reversed(s["correct"]))
    if kind == "match":
        ids = list(s["correct"].values())
        return dict(zip(s["correct"], ids[1:] + ids[:1], strict=True))
    return [next(c["id"] for c in s["choices"] if c["id"] not in s["correct"])]


def fields_for(pos: int, snapshot: dict, answer) -> dict:
    """{field name: [values]} that post `answer` to question `pos`."""
    data: dict[str, list[str]] = {}
    for name, value in REGISTRY[snapshot["type"]].fields(pos, snapshot, answer):
        data.setdefault(name, []).append(value)
    return data


def answer_fields(aq, right=True) -> dict:
    """Form fields answering one attempt question rightly (or wrongly)."""
    s = aq.snapshot
    return fields_for(aq.position, s, s["correct"] if right else wrong_answer(s))


def attempt_form(attempt_id: int, right=True, token=None, tab=None) -> dict:
    attempt = db.session.get(Attempt, attempt_id)
    data = {}
    for aq in attempt.questions:
        data.update(answer_fields(aq, right))
    if token:
        data["csrf_token"] = token
    if tab:
        data["tab"] = tab
    return data

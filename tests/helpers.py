"""Test helpers that read the server-side key of an attempt to answer it."""

from school.extensions import db
from school.models import Attempt


def answer_fields(aq, right=True) -> dict:
    """Form fields answering one attempt question rightly (or wrongly)."""
    s, pos = aq.snapshot, aq.position
    kind = s["type"]
    if kind == "numeric":
        return {f"q{pos}": str(s["correct"] if right else s["correct"] + 100)}
    if kind == "order":
        order = s["correct"] if right else list(reversed(s["correct"]))
        return {f"q{pos}-{cid}": str(i + 1) for i, cid in enumerate(order)}
    if kind == "match":
        ids = list(s["correct"].values())
        rotated = ids if right else ids[1:] + ids[:1]
        return {f"q{pos}-{left}": rid for left, rid in zip(s["correct"], rotated, strict=True)}
    if right:
        return {f"q{pos}": list(s["correct"])}
    wrong = [c["id"] for c in s["choices"] if c["id"] not in s["correct"]]
    return {f"q{pos}": wrong[:1]}


def attempt_form(attempt_id: int, right=True, token=None) -> dict:
    attempt = db.session.get(Attempt, attempt_id)
    data = {}
    for aq in attempt.questions:
        data.update(answer_fields(aq, right))
    if token:
        data["csrf_token"] = token
    return data

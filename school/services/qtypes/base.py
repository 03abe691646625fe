"""What every question type shares: the interface, answer errors, opaque ids and option weights.

An option line of a bank is `+ text` or `- text`; with a weight, `+50% text` or `-100% text`
(the option dict then has `weight`, in percent). How a type reads `+`, `-` and weights is its own.
"""

FULL = 100.0


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown next to its question."""


def opaque_ids(rng, count: int) -> list[str]:
    """`count` distinct random ids: they say nothing about order or correctness."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(f"{rng.getrandbits(40):010x}")
    return list(ids)


def shuffled_choices(texts, rng) -> list[dict]:
    ids = opaque_ids(rng, len(texts))
    choices = [{"id": cid, "text": t, "src": i} for i, (cid, t) in enumerate(zip(ids, texts, strict=True))]
    rng.shuffle(choices)
    return choices


def base(data) -> dict:
    return {k: data[k] for k in ("text", "explanation", "article")}


def weight(option: dict) -> float:
    """An option's weight in percent: as written, else 100 for `+` and 0 for `-`."""
    return option.get("weight", FULL if option["correct"] else 0.0)


def weighted(options: list[dict]) -> bool:
    return any("weight" in o for o in options)


def weight_errors(options: list[dict], penalties: bool) -> list[str]:
    """Weights out of range: `+` above 0 up to 100 %, `-` from 0 down to -100 % (only where penalties exist)."""
    errors = []
    for o in options:
        if "weight" not in o:
            continue
        w, text = o["weight"], o["text"][:40]
        if o["correct"] and not 0 < w <= FULL:
            errors.append(f"вариант «{text}»: вес верного варианта больше 0 и не больше 100%")
        elif not o["correct"] and not -FULL <= w <= 0:
            errors.append(f"вариант «{text}»: штраф не больше 100%")
        elif not o["correct"] and w and not penalties:
            errors.append(f"вариант «{text}»: штрафов (-N%) у этого типа нет")
    return errors


def choice_feedback(choices: list[dict], options: list[dict]) -> dict:
    """{choice id: feedback} for the options that have one (shown only in the review)."""
    return {c["id"]: options[c["src"]]["feedback"] for c in choices if options[c["src"]].get("feedback")}


class QuestionType:
    """The interface every type implements."""

    name = ""
    label = ""

    def validate(self, data: dict) -> list[str]:
        return []

    def snapshot(self, data: dict, rng) -> dict:
        raise NotImplementedError

    def fields(self, pos: int, snapshot: dict, answer) -> list[tuple[str, str]]:
        """The form fields that post `answer`: the inverse of `parse`."""
        raise NotImplementedError

    def parse(self, snapshot: dict, values: list[str], subfields: dict[str, str]):
        """An answer from the posted values of `q<pos>` and `q<pos>-<id>` fields, or AnswerError."""
        raise NotImplementedError

    def grade(self, snapshot: dict, answer) -> float:
        raise NotImplementedError

    def chance(self, snapshot: dict) -> float:
        """Expected points of a blind guess (what statistics compare against)."""
        raise NotImplementedError

    def key_lines(self, data: dict) -> list[tuple[str, bool]]:
        """The bank's key as (line, is it a right answer) pairs, for the center's preview of a bank:
        by default each option line with its weight and its `> feedback`."""
        lines = []
        for o in data.get("options", []):
            w = weight(o)
            shown = f"{o['text']} ({w:g}%)" if "weight" in o else o["text"]
            lines.append((shown + (f" — {o['feedback']}" if o.get("feedback") else ""), w > 0))
        return lines

    def feedback(self, snapshot: dict, answer) -> list[str]:
        """Per-answer feedback for a given answer (shown only where the key is shown)."""
        notes = snapshot.get("feedback") or {}
        return [notes[a] for a in answer or [] if isinstance(a, str) and notes.get(a)]

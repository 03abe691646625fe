"""Question types: a registry mapping a type name to everything about it.

Each type owns how its bank data is checked, how an attempt's snapshot is drawn, the form
fields it posts, how they are parsed (with the message a consultant sees), how it is graded,
and its template partials `quiz/types/<name>.html` (the question) and `<name>_review.html`.

A snapshot is what an attempt stores for one question. Choice ids in it are random per
attempt and carry no order and no key; display order is shuffled; `src` maps a choice back
to its place in the bank, for statistics. Only `public_view` of a snapshot reaches a page
before the attempt is finished.
"""

import math
import re
from itertools import combinations

from werkzeug.datastructures import MultiDict

NUMBER_RE = re.compile(r"^[+-]?[0-9]{1,7}(?:[.,][0-9]{1,6})?$")
NUMBER_LIMIT = 1_000_000


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown next to its question."""


def opaque_ids(rng, count: int) -> list[str]:
    """`count` distinct random ids: they say nothing about order or correctness."""
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(f"{rng.getrandbits(40):010x}")
    return list(ids)


def _shuffled_choices(texts, rng) -> list[dict]:
    ids = opaque_ids(rng, len(texts))
    choices = [{"id": cid, "text": t, "src": i} for i, (cid, t) in enumerate(zip(ids, texts, strict=True))]
    rng.shuffle(choices)
    return choices


def _base(data) -> dict:
    return {k: data[k] for k in ("text", "explanation", "article")}


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


class Single(QuestionType):
    name, label = "single", "Один верный ответ"

    def validate(self, data):
        options = data.get("options", [])
        errors = []
        if len(options) < 2:
            errors.append("нужно не меньше двух вариантов (+ и -)")
        if sum(o["correct"] for o in options) != 1:
            errors.append("нужен ровно один верный вариант (+)")
        return errors

    def snapshot(self, data, rng):
        choices = _shuffled_choices([o["text"] for o in data["options"]], rng)
        return {**_base(data), "choices": choices,
                "correct": [c["id"] for c in choices if data["options"][c["src"]]["correct"]]}

    def fields(self, pos, snapshot, answer):
        return [(f"q{pos}", cid) for cid in answer]

    def parse(self, snapshot, values, subfields):
        chosen = [v for v in values if v]
        if len(chosen) != 1:
            raise AnswerError("выберите один вариант")
        if chosen[0] not in {c["id"] for c in snapshot["choices"]}:
            raise AnswerError("такого варианта нет")
        return chosen

    def grade(self, snapshot, answer):
        return 1.0 if answer == snapshot["correct"] else 0.0

    def chance(self, snapshot):
        return 1 / len(snapshot["choices"])


class TrueFalse(Single):
    name, label = "truefalse", "Верно или неверно"

    def validate(self, data):
        return [] if data.get("answer") in (True, False) else ["нужна строка answer: верно или answer: неверно"]

    def snapshot(self, data, rng):
        # «Верно» stays first, as everyone expects; the ids are random all the same.
        true_id, false_id = opaque_ids(rng, 2)
        choices = [{"id": true_id, "text": "Верно", "src": "true"}, {"id": false_id, "text": "Неверно", "src": "false"}]
        return {**_base(data), "choices": choices, "correct": [true_id if data["answer"] else false_id]}


class Multiple(Single):
    name, label = "multiple", "Несколько верных ответов"

    def validate(self, data):
        options = data.get("options", [])
        errors = [] if len(options) >= 2 else ["нужно не меньше двух вариантов (+ и -)"]
        if not any(o["correct"] for o in options):
            errors.append("нужен хотя бы один верный вариант (+)")
        return errors

    def parse(self, snapshot, values, subfields):
        chosen = sorted({v for v in values if v})
        if not chosen:
            raise AnswerError("выберите хотя бы один вариант")
        if not set(chosen) <= {c["id"] for c in snapshot["choices"]}:
            raise AnswerError("такого варианта нет")
        return chosen

    def grade(self, snapshot, answer):
        """Partial credit: (right picks - wrong picks) / number of right options, never below 0."""
        correct = set(snapshot["correct"])
        hits = len(correct & set(answer))
        misses = len(set(answer) - correct)
        return max(0.0, (hits - misses) / len(correct))

    def chance(self, snapshot):
        ids = [c["id"] for c in snapshot["choices"]]
        picks = [list(p) for n in range(1, len(ids) + 1) for p in combinations(ids, n)]
        return sum(self.grade(snapshot, p) for p in picks) / len(picks)


class Order(QuestionType):
    name, label = "order", "Расставьте по порядку"

    def validate(self, data):
        return [] if len(data.get("items", [])) >= 2 else ["нужно не меньше двух пунктов 1. 2. ..."]

    def snapshot(self, data, rng):
        choices = _shuffled_choices(data["items"], rng)
        return {**_base(data), "choices": choices,
                "correct": [c["id"] for c in sorted(choices, key=lambda c: c["src"])]}

    def fields(self, pos, snapshot, answer):
        return [(f"q{pos}-{cid}", str(place)) for place, cid in enumerate(answer, start=1)]

    def parse(self, snapshot, values, subfields):
        ids = [c["id"] for c in snapshot["choices"]]
        if not all(subfields.get(cid, "").strip() for cid in ids) or set(subfields) - set(ids):
            raise AnswerError("укажите место каждого пункта")
        try:
            places = {cid: int(subfields[cid]) for cid in ids}
        except ValueError:
            raise AnswerError("укажите место каждого пункта") from None
        if sorted(places.values()) != list(range(1, len(ids) + 1)):
            raise AnswerError(f"каждое место от 1 до {len(ids)} должно быть занято один раз")
        return sorted(ids, key=places.get)

    def grade(self, snapshot, answer):
        return 1.0 if answer == snapshot["correct"] else 0.0

    def chance(self, snapshot):
        return 1 / math.factorial(len(snapshot["choices"]))


class Match(QuestionType):
    name, label = "match", "Сопоставьте"

    def validate(self, data):
        pairs = data.get("pairs", [])
        errors = [] if len(pairs) >= 2 else ["нужно не меньше двух пар = ... -> ..."]
        if len({p[0] for p in pairs}) != len(pairs) or len({p[1] for p in pairs}) != len(pairs):
            errors.append("левые и правые части пар не должны повторяться")
        return errors

    def snapshot(self, data, rng):
        pairs = data["pairs"]
        prompts = _shuffled_choices([left for left, _ in pairs], rng)
        choices = _shuffled_choices([right for _, right in pairs], rng)
        by_src = {c["src"]: c["id"] for c in choices}
        return {**_base(data), "prompts": prompts, "choices": choices,
                "correct": {p["id"]: by_src[p["src"]] for p in prompts}}

    def fields(self, pos, snapshot, answer):
        return [(f"q{pos}-{pid}", cid) for pid, cid in answer.items()]

    def parse(self, snapshot, values, subfields):
        ids = {c["id"] for c in snapshot["choices"]}
        prompts = [p["id"] for p in snapshot["prompts"]]
        answer = {pid: subfields.get(pid, "") for pid in prompts}
        if set(subfields) - set(prompts):
            raise AnswerError("такого пункта нет")
        if not all(answer.values()):
            raise AnswerError("сопоставьте каждый пункт")
        if not set(answer.values()) <= ids:
            raise AnswerError("такого варианта нет")
        return answer

    def grade(self, snapshot, answer):
        correct = snapshot["correct"]
        return sum(answer.get(k) == v for k, v in correct.items()) / len(correct)

    def chance(self, snapshot):
        return 1 / len(snapshot["prompts"])  # a random pairing gets one pair right on average


class Numeric(QuestionType):
    name, label = "numeric", "Числовой ответ"

    def validate(self, data):
        return [] if isinstance(data.get("answer"), float) else ["нужна строка answer: число"]

    def snapshot(self, data, rng):
        return {**_base(data), "choices": [], "correct": data["answer"], "tolerance": data.get("tolerance", 0.0)}

    def fields(self, pos, snapshot, answer):
        return [(f"q{pos}", f"{answer:g}")]

    def parse(self, snapshot, values, subfields):
        """A finite number with |x| ≤ 10⁶, comma or point; anything else is a message, never a crash."""
        raw = re.sub(r"\s", "", values[0] if values else "")
        if not NUMBER_RE.match(raw):
            raise AnswerError("укажите число, например 12")
        number = float(raw.replace(",", "."))
        if abs(number) > NUMBER_LIMIT:
            raise AnswerError("укажите число не больше 1 000 000 по модулю")
        return number

    def grade(self, snapshot, answer):
        return 1.0 if abs(answer - snapshot["correct"]) <= snapshot["tolerance"] + 1e-9 else 0.0

    def chance(self, snapshot):
        return 0.0


REGISTRY: dict[str, QuestionType] = {
    t.name: t for t in (Single(), Multiple(), TrueFalse(), Order(), Match(), Numeric())}


def public_view(snapshot: dict) -> dict:
    """What a page may show while the attempt is open: ids and texts, never the key, the
    explanation or where a choice sits in the bank."""
    view = {k: snapshot[k] for k in ("type", "text") if k in snapshot}
    for part in ("choices", "prompts"):
        if part in snapshot:
            view[part] = [{"id": c["id"], "text": c["text"]} for c in snapshot[part]]
    return view


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

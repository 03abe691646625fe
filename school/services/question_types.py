"""Question types: a registry mapping a type name to how it is checked, shown and graded.

A snapshot is what an attempt stores for one question: the text and choices as shown,
plus the key to grade it. Only `public_view` of a snapshot ever reaches a page before
the attempt is finished.
"""



class AnswerError(ValueError):
    """An answer that cannot be accepted; the message is shown to the consultant."""


class QuestionType:
    """Each type defines validate, snapshot(data, rng, shuffle), parse_answer and grade."""

    name = ""
    label = ""

    def validate(self, data: dict) -> list[str]:
        return []



def _choices(texts, rng, shuffle, prefix="c"):
    choices = [{"id": f"{prefix}{i}", "text": t} for i, t in enumerate(texts)]
    if shuffle:
        rng.shuffle(choices)
    return choices


def _base(data):
    return {k: data[k] for k in ("text", "explanation", "article")}


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

    def snapshot(self, data, rng, shuffle):
        options = data["options"]
        return {**_base(data), "choices": _choices([o["text"] for o in options], rng, shuffle),
                "correct": [f"c{i}" for i, o in enumerate(options) if o["correct"]]}

    def parse_answer(self, snapshot, values, fields):
        ids = {c["id"] for c in snapshot["choices"]}
        if len(values) != 1 or not values[0]:
            raise AnswerError("выберите один вариант")
        if values[0] not in ids:
            raise AnswerError("такого варианта нет")
        return [values[0]]

    def grade(self, snapshot, answer):
        return 1.0 if answer == snapshot["correct"] else 0.0


class TrueFalse(Single):
    name, label = "truefalse", "Верно или неверно"

    def validate(self, data):
        return [] if data.get("answer") in (True, False) else ["нужна строка answer: верно или answer: неверно"]

    def snapshot(self, data, rng, shuffle):
        choices = [{"id": "true", "text": "Верно"}, {"id": "false", "text": "Неверно"}]
        return {**_base(data), "choices": choices, "correct": ["true" if data["answer"] else "false"]}


class Multiple(Single):
    name, label = "multiple", "Несколько верных ответов"

    def validate(self, data):
        options = data.get("options", [])
        errors = [] if len(options) >= 2 else ["нужно не меньше двух вариантов (+ и -)"]
        if not any(o["correct"] for o in options):
            errors.append("нужен хотя бы один верный вариант (+)")
        return errors

    def parse_answer(self, snapshot, values, fields):
        ids = {c["id"] for c in snapshot["choices"]}
        chosen = sorted({v for v in values if v})
        if not chosen:
            raise AnswerError("выберите хотя бы один вариант")
        if not set(chosen) <= ids:
            raise AnswerError("такого варианта нет")
        return chosen

    def grade(self, snapshot, answer):
        """Partial credit: (right picks - wrong picks) / number of right options, never below 0."""
        correct = set(snapshot["correct"])
        hits = len(correct & set(answer))
        misses = len(set(answer) - correct)
        return max(0.0, (hits - misses) / len(correct))


class Order(QuestionType):
    name, label = "order", "Расставьте по порядку"

    def validate(self, data):
        return [] if len(data.get("items", [])) >= 2 else ["нужно не меньше двух пунктов 1. 2. ..."]

    def snapshot(self, data, rng, shuffle):
        choices = _choices(data["items"], rng, True)
        return {**_base(data), "choices": choices, "correct": [f"c{i}" for i in range(len(data["items"]))]}

    def parse_answer(self, snapshot, values, fields):
        ids = [c["id"] for c in snapshot["choices"]]
        try:
            places = {cid: int(fields.get(cid, "")) for cid in ids}
        except ValueError:
            raise AnswerError("укажите место каждого пункта") from None
        if sorted(places.values()) != list(range(1, len(ids) + 1)):
            raise AnswerError(f"каждое место от 1 до {len(ids)} должно быть занято один раз")
        return sorted(ids, key=places.get)

    def grade(self, snapshot, answer):
        return 1.0 if answer == snapshot["correct"] else 0.0


class Match(QuestionType):
    name, label = "match", "Сопоставьте"

    def validate(self, data):
        pairs = data.get("pairs", [])
        errors = [] if len(pairs) >= 2 else ["нужно не меньше двух пар = ... -> ..."]
        if len({p[0] for p in pairs}) != len(pairs) or len({p[1] for p in pairs}) != len(pairs):
            errors.append("левые и правые части пар не должны повторяться")
        return errors

    def snapshot(self, data, rng, shuffle):
        pairs = data["pairs"]
        prompts = [{"id": f"l{i}", "text": left} for i, (left, _) in enumerate(pairs)]
        return {**_base(data), "prompts": prompts, "choices": _choices([r for _, r in pairs], rng, True),
                "correct": {f"l{i}": f"c{i}" for i in range(len(pairs))}}

    def parse_answer(self, snapshot, values, fields):
        ids = {c["id"] for c in snapshot["choices"]}
        answer = {p["id"]: fields.get(p["id"], "") for p in snapshot["prompts"]}
        if not all(answer.values()):
            raise AnswerError("сопоставьте каждый пункт")
        if not set(answer.values()) <= ids:
            raise AnswerError("такого варианта нет")
        return answer

    def grade(self, snapshot, answer):
        correct = snapshot["correct"]
        return sum(answer.get(k) == v for k, v in correct.items()) / len(correct)


class Numeric(QuestionType):
    name, label = "numeric", "Числовой ответ"

    def validate(self, data):
        return [] if isinstance(data.get("answer"), float) else ["нужна строка answer: число"]

    def snapshot(self, data, rng, shuffle):
        return {**_base(data), "choices": [], "correct": data["answer"], "tolerance": data.get("tolerance", 0.0)}

    def parse_answer(self, snapshot, values, fields):
        raw = (values[0] if values else "").strip().replace(",", ".").replace(" ", "")
        if not raw:
            raise AnswerError("введите число")
        try:
            return float(raw)
        except ValueError:
            raise AnswerError("ответ должен быть числом") from None

    def grade(self, snapshot, answer):
        return 1.0 if abs(answer - snapshot["correct"]) <= snapshot["tolerance"] + 1e-9 else 0.0


REGISTRY: dict[str, QuestionType] = {
    t.name: t for t in (Single(), Multiple(), TrueFalse(), Order(), Match(), Numeric())}


def public_view(snapshot: dict) -> dict:
    """What a page may show while the attempt is open: never the key or the explanation."""
    return {k: snapshot[k] for k in ("type", "text", "choices", "prompts") if k in snapshot}

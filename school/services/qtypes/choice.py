"""Choice questions: single (one answer), truefalse, multiple (several answers).

Without weights they grade as they always have. With weights (Moodle's `~%50%`, `~%-100%`):
single gives the chosen option's weight (a penalty below 0 counts against the attempt, as in
Moodle); multiple gives the sum of the chosen weights, clamped to [0, 1] as Moodle does.
"""

from itertools import combinations

from .base import (
    FULL,
    AnswerError,
    QuestionType,
    base,
    choice_feedback,
    opaque_ids,
    shuffled_choices,
    weight,
    weight_errors,
    weighted,
)


def _with_weights(snap: dict, choices: list[dict], options: list[dict]) -> dict:
    if weighted(options):
        snap["weights"] = {c["id"]: weight(options[c["src"]]) / FULL for c in choices}
    notes = choice_feedback(choices, options)
    return {**snap, "feedback": notes} if notes else snap


class Single(QuestionType):
    name, label = "single", "Один верный ответ"

    def validate(self, data):
        options = data.get("options", [])
        errors = [] if len(options) >= 2 else ["нужно не меньше двух вариантов (+ и -)"]
        errors += weight_errors(options, penalties=True)
        if not weighted(options) and sum(o["correct"] for o in options) != 1:
            errors.append("нужен ровно один верный вариант (+)")
        elif weighted(options) and sum(weight(o) == FULL for o in options) != 1:
            errors.append("нужен ровно один вариант на 100% (+ или +100%)")
        return errors

    def snapshot(self, data, rng):
        options = data["options"]
        choices = shuffled_choices([o["text"] for o in options], rng)
        correct = [c["id"] for c in choices if weight(options[c["src"]]) == FULL]
        return _with_weights({**base(data), "choices": choices, "correct": correct}, choices, options)

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
        if "weights" in snapshot:
            return snapshot["weights"].get(answer[0], 0.0)
        return 1.0 if answer == snapshot["correct"] else 0.0

    def chance(self, snapshot):
        if "weights" in snapshot:
            return sum(snapshot["weights"].values()) / len(snapshot["choices"])
        return 1 / len(snapshot["choices"])


class TrueFalse(Single):
    name, label = "truefalse", "Верно или неверно"

    def validate(self, data):
        return [] if data.get("answer") in (True, False) else ["нужна строка answer: верно или answer: неверно"]

    def snapshot(self, data, rng):
        # «Верно» stays first, as everyone expects; the ids are random all the same.
        true_id, false_id = opaque_ids(rng, 2)
        choices = [{"id": true_id, "text": "Верно", "src": "true"}, {"id": false_id, "text": "Неверно", "src": "false"}]
        snap = {**base(data), "choices": choices, "correct": [true_id if data["answer"] else false_id]}
        notes = {true_id: data.get("feedback_true"), false_id: data.get("feedback_false")}
        notes = {k: v for k, v in notes.items() if v}
        return {**snap, "feedback": notes} if notes else snap

    def key_lines(self, data):
        return [("Ответ: " + ("верно" if data["answer"] else "неверно"), True)]


class Multiple(Single):
    name, label = "multiple", "Несколько верных ответов"

    def validate(self, data):
        options = data.get("options", [])
        errors = [] if len(options) >= 2 else ["нужно не меньше двух вариантов (+ и -)"]
        if not any(o["correct"] for o in options):
            errors.append("нужен хотя бы один верный вариант (+)")
        if not weighted(options):
            return errors
        errors += weight_errors(options, penalties=True)
        if any(o["correct"] and "weight" not in o for o in options):
            errors.append("в вопросе с весами укажите вес каждого верного варианта: +50% …")
        elif sum(o["weight"] for o in options if o["correct"]) < FULL - 0.01:
            errors.append("сумма весов верных вариантов меньше 100%: полный балл недостижим")
        return errors

    def snapshot(self, data, rng):
        options = data["options"]
        choices = shuffled_choices([o["text"] for o in options], rng)
        correct = [c["id"] for c in choices if options[c["src"]]["correct"]]
        return _with_weights({**base(data), "choices": choices, "correct": correct}, choices, options)

    def parse(self, snapshot, values, subfields):
        chosen = sorted({v for v in values if v})
        if not chosen:
            raise AnswerError("выберите хотя бы один вариант")
        if not set(chosen) <= {c["id"] for c in snapshot["choices"]}:
            raise AnswerError("такого варианта нет")
        return chosen

    def grade(self, snapshot, answer):
        """Without weights: (right picks - wrong picks) / number of right options, never below 0.
        With weights: the sum of the chosen weights within [0, 1] (rounded, so 3 × 33.33333% is full)."""
        if "weights" in snapshot:
            total = sum(snapshot["weights"].get(a, 0.0) for a in answer)
            return round(min(1.0, max(0.0, total)), 6)
        correct = set(snapshot["correct"])
        hits = len(correct & set(answer))
        misses = len(set(answer) - correct)
        return max(0.0, (hits - misses) / len(correct))

    def chance(self, snapshot):
        ids = [c["id"] for c in snapshot["choices"]]
        picks = [list(p) for n in range(1, len(ids) + 1) for p in combinations(ids, n)]
        return sum(self.grade(snapshot, p) for p in picks) / len(picks)

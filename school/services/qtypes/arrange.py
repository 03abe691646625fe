"""Questions that arrange items: order (all or nothing) and match (share of right pairs)."""

import math

from .base import AnswerError, QuestionType, base, shuffled_choices


class Order(QuestionType):
    name, label = "order", "Расставьте по порядку"

    def validate(self, data):
        return [] if len(data.get("items", [])) >= 2 else ["нужно не меньше двух пунктов 1. 2. ..."]

    def snapshot(self, data, rng):
        choices = shuffled_choices(data["items"], rng)
        return {**base(data), "choices": choices,
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


    def key_lines(self, data):
        return [(f"{i}. {item}", True) for i, item in enumerate(data["items"], start=1)]


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
        prompts = shuffled_choices([left for left, _ in pairs], rng)
        choices = shuffled_choices([right for _, right in pairs], rng)
        by_src = {c["src"]: c["id"] for c in choices}
        return {**base(data), "prompts": prompts, "choices": choices,
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

    def key_lines(self, data):
        return [(f"{left} → {right}", True) for left, right in data["pairs"]]

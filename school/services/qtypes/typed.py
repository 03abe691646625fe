"""Questions answered by typing: numeric (a number) and short (a word or a few).

Both accept several answers, written as option lines: `+ 5`, `+ 7`, `+50% 9 ± 1` (partial
credit), `- 100` (a known wrong answer, 0 points, there for its `> feedback`). The first
answer that matches gives its weight, as in Moodle. A numeric question with one answer may
still be written `answer: 12` with `tolerance: 0.5`.
"""

import re

from .base import FULL, AnswerError, QuestionType, base, weight, weight_errors

NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
NUMBER_RE = re.compile(r"^[+-]?[0-9]{1,7}(?:[.,][0-9]{1,6})?$")
NUMBER_LIMIT = 1_000_000
VALUE_RE = re.compile(rf"^({NUMBER})(?:\s*(?:±|\+-|\+/-)\s*({NUMBER}))?$")
RANGE_RE = re.compile(rf"^({NUMBER})\s*\.\.\s*({NUMBER})$")
SHORT_LIMIT = 200


def _float(raw: str) -> float:
    return float(raw.replace(",", "."))


def numeric_bounds(text: str) -> tuple[float, float] | None:
    """(low, high) of a numeric answer line `12`, `9 ± 1` (or `9 +- 1`) or `2..4`; None if it is neither."""
    text = text.strip()
    if m := RANGE_RE.match(text):
        return _float(m.group(1)), _float(m.group(2))
    if m := VALUE_RE.match(text):
        value, tolerance = _float(m.group(1)), abs(_float(m.group(2) or "0"))
        return value - tolerance, value + tolerance
    return None


def _bounds(text: str) -> dict:
    low, high = numeric_bounds(text)
    return {"low": low, "high": high}


def _answers(options: list[dict], bounds) -> list[dict]:
    answers = []
    for o in options:
        answer = {"text": o["text"], "weight": weight(o) / FULL, **bounds(o["text"])}
        answers.append({**answer, "feedback": o["feedback"]} if o.get("feedback") else answer)
    return answers


def _typed_errors(options: list[dict]) -> list[str]:
    errors = weight_errors(options, penalties=False)
    if not any(weight(o) == FULL for o in options):
        errors.append("нужен хотя бы один ответ на 100% (+ …)")
    return errors


class _Typed(QuestionType):
    def fields(self, pos, snapshot, answer):
        return [(f"q{pos}", self.shown(answer))]

    def chance(self, snapshot):
        return 0.0

    def grade(self, snapshot, answer):
        match = self._match(snapshot, answer)
        return match["weight"] if match else 0.0

    def feedback(self, snapshot, answer):
        match = self._match(snapshot, answer)
        return [match["feedback"]] if match and match.get("feedback") else []


class Numeric(_Typed):
    name, label = "numeric", "Числовой ответ"

    def validate(self, data):
        options = data.get("options") or []
        if not options:
            return [] if isinstance(data.get("answer"), float) else ["нужна строка answer: число (или строки + число)"]
        errors = ["либо answer:, либо строки + число, не вместе"] if "answer" in data else []
        for o in options:
            low_high = numeric_bounds(o["text"])
            if low_high is None:
                errors.append(f"ответ «{o['text'][:40]}»: ожидается число, «9 ± 1» или «2..4»")
            elif low_high[0] > low_high[1]:
                errors.append(f"ответ «{o['text'][:40]}»: начало диапазона больше конца")
        return errors + _typed_errors(options)

    def key_lines(self, data):
        if not data.get("options"):
            tolerance = f" ± {data['tolerance']:g}" if data.get("tolerance") else ""
            return [(f"Ответ: {data['answer']:g}{tolerance}", True)]
        return super().key_lines(data)

    def snapshot(self, data, rng):
        if not data.get("options"):
            return {**base(data), "choices": [], "correct": data["answer"], "tolerance": data.get("tolerance", 0.0)}
        answers = _answers(data["options"], _bounds)
        full = next(a for a in answers if a["weight"] == 1.0)
        return {**base(data), "choices": [], "answers": answers, "correct": (full["low"] + full["high"]) / 2,
                "tolerance": (full["high"] - full["low"]) / 2}

    def shown(self, answer):
        return f"{answer:g}"

    def parse(self, snapshot, values, subfields):
        """A finite number with |x| ≤ 10⁶, comma or point; anything else is a message, never a crash."""
        raw = re.sub(r"\s", "", values[0] if values else "")
        if not NUMBER_RE.match(raw):
            raise AnswerError("укажите число, например 12")
        number = float(raw.replace(",", "."))
        if abs(number) > NUMBER_LIMIT:
            raise AnswerError("укажите число не больше 1 000 000 по модулю")
        return number

    def _match(self, snapshot, answer):
        if "answers" not in snapshot:  # one answer, graded exactly as it always was
            return {"weight": 1.0} if abs(answer - snapshot["correct"]) <= snapshot["tolerance"] + 1e-9 else None
        return next((a for a in snapshot["answers"] if a["low"] - 1e-9 <= answer <= a["high"] + 1e-9), None)


def normalised(text: str) -> str:
    """What a short answer is compared by: trimmed, inner spaces collapsed, case ignored."""
    return " ".join(text.split()).casefold()


class Short(_Typed):
    name, label = "short", "Краткий ответ"

    def validate(self, data):
        options = data.get("options", [])
        seen, errors = set(), []
        for o in options:
            if normalised(o["text"]) in seen:
                errors.append(f"ответ «{o['text'][:40]}» указан дважды (регистр и пробелы не различаются)")
            seen.add(normalised(o["text"]))
        return errors + _typed_errors(options)

    def snapshot(self, data, rng):
        answers = _answers(data["options"], lambda text: {})
        full = next(a for a in answers if a["weight"] == 1.0)
        return {**base(data), "choices": [], "answers": answers, "correct": full["text"]}

    def shown(self, answer):
        return answer

    def parse(self, snapshot, values, subfields):
        answer = " ".join((values[0] if values else "").split())
        if len(answer) > SHORT_LIMIT:
            raise AnswerError(f"ответ не длиннее {SHORT_LIMIT} знаков")
        return answer

    def _match(self, snapshot, answer):
        return next((a for a in snapshot["answers"] if normalised(a["text"]) == normalised(answer)), None)

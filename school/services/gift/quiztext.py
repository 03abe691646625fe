"""Our text format: questions read from GIFT written back as a bank file (to_quiz_text)."""

from ..quizfile import FEEDBACK_FIELDS, META_FIELDS, QuestionSpec
from .common import _num

HEADER = (("title", "title"), ("module", "module"), ("pass_mark", "pass_mark"), ("required", "required"),
          ("questions_per_attempt", "questions_per_attempt"), ("questions_per_topic", "questions_per_topic"),
          ("time_limit", "time_limit_min"), ("max_attempts", "max_attempts"), ("cooldown", "cooldown_min"),
          ("shuffle", "shuffle"), ("review", "review"))
DEFAULT_SETTINGS = {"pass_mark": 80, "required": True, "questions_per_attempt": 0, "questions_per_topic": 0,
                    "time_limit_min": 0, "max_attempts": 0, "cooldown_min": 0, "shuffle": True, "review": "after_pass"}


def to_quiz_text(settings: dict, questions: list[QuestionSpec]) -> str:
    """A bank file (front matter + `=== key` blocks) that parse_quiz reads back as the same questions.

    `settings` is QuizSpec.settings; missing keys take the defaults of the format,
    missing title/module are left out (parse_quiz then reports them).
    """
    values = {**DEFAULT_SETTINGS, **settings}
    lines = ["---"]
    for name, key in HEADER:
        value = values.get(key, "")
        if value != "":
            lines.append(f"{name}: {_setting(value)}")
    lines.append("---")
    lines += _topic_lines(values.get("topics") or {}, questions)
    for question in questions:
        lines += ["", *_quiz_question(question)]
    return "\n".join(lines) + "\n"


def _topic_lines(topics: dict, questions: list[QuestionSpec]) -> list[str]:
    """One `topic` line per topic used; a topic new to us gets its slug as title and no sections yet."""
    lines = []
    for slug in dict.fromkeys(q.topic for q in questions if q.topic):
        topic = topics.get(slug, {"title": slug, "sections": []})
        where = f" -> {', '.join(topic['sections'])}" if topic["sections"] else ""
        lines.append(f"topic {slug}: {topic['title']}{where}")
    return lines


def _setting(value) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)

def _option(o: dict) -> list[str]:
    """`+ text`, `-50% text`…, then its `> feedback`."""
    weight = f"{_num(abs(o['weight']))}%" if "weight" in o else ""
    line = f"{'+' if o['correct'] else '-'}{weight} {o['text']}"
    return [line, f"> {o['feedback']}"] if o.get("feedback") else [line]


def _quiz_question(q: QuestionSpec) -> list[str]:
    d = q.data
    lines = [f"=== {q.key}", f"type: {q.type}", *([f"topic: {q.topic}"] if q.topic else []), f"text: {d['text']}"]
    lines += [line for o in d.get("options", []) for line in _option(o)]
    lines += [f"{i}. {item}" for i, item in enumerate(d.get("items", []), start=1)]
    lines += [f"= {left} -> {right}" for left, right in d.get("pairs", [])]
    if q.type == "truefalse":
        lines.append(f"answer: {'верно' if d['answer'] else 'неверно'}")
        lines += [f"{name}: {d[name]}" for name in FEEDBACK_FIELDS if d.get(name)]
    elif q.type == "numeric" and not d.get("options"):
        lines.append(f"answer: {_num(d['answer'])}")
        lines += [f"tolerance: {_num(d['tolerance'])}"] if d.get("tolerance") else []
    lines += [f"{name}: {d[name]}" for name in META_FIELDS if d.get(name)]
    return lines + [f"explanation: {d['explanation']}", f"article: {d['article']}"]

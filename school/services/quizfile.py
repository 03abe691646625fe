"""Parse a question bank (quizzes/<slug>.txt) into a QuizSpec, collecting every error with its line."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from .frontmatter import ContentError, Parsed, as_bool, as_int, parse
from .question_types import REGISTRY
from .review import REVIEW_MODES

HEADER_FIELDS = {"title", "module", "pass_mark", "required", "questions_per_attempt", "questions_per_topic",
                 "time_limit", "max_attempts", "cooldown", "shuffle", "review"}
FEEDBACK_FIELDS = ("feedback_true", "feedback_false")  # truefalse: what each answer is told
QUESTION_FIELDS = {"type", "topic", "text", "explanation", "article", "answer", "tolerance", *FEEDBACK_FIELDS,
                   "kind", "section", "variant_of"}
REQUIRED_FIELDS = ("type", "text", "explanation", "article")
# Metadata kept in a question's data only when written: what it tests, where it is taught, whose variant it is.
# `kind` and `section` are required by the loader (content.py), not here, so a fresh GIFT import still parses.
META_FIELDS = ("kind", "section", "variant_of")
KINDS = {"scenario": "ситуация", "recall": "знание наизусть"}
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
ORDER_RE = re.compile(r"^(\d+)\.\s+(.*)$")
TOPIC_RE = re.compile(r"^topic\s+([A-Za-z0-9][A-Za-z0-9_-]*)\s*:\s*(.+?)\s*(?:->\s*(.*))?$")
TRUE_WORDS, FALSE_WORDS = {"верно", "true", "да"}, {"неверно", "false", "нет"}
# An option line: `+ text`, `- text`, or weighted `+50% text`, `-100% text` (each type says what they mean).
OPTION_RE = re.compile(r"^([+-])(?:(\d+(?:[.,]\d+)?)%)?\s+(\S.*)$")
# Written by the GIFT import where the file had no value for a required field; never accepted as one.
TO_FILL = "НУЖНО УКАЗАТЬ"


@dataclass
class QuestionSpec:
    key: str
    line: int
    type: str = ""
    topic: str = ""
    data: dict = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        raw = json.dumps([self.type, self.topic, self.data], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass
class QuizSpec:
    slug: str
    path: str
    settings: dict
    questions: list[QuestionSpec]
    topic_lines: dict[str, int] = field(default_factory=dict)  # topic -> line, for errors found later

class MissingValue(ContentError):
    """A required field still marked TO_FILL after an import: the bank is refused until someone fills it."""


def parse_quiz(path: str, slug: str, text: str) -> tuple[QuizSpec, list[ContentError]]:
    header = parse(path, text, HEADER_FIELDS, {"title", "module"})
    settings = _settings(header, path)
    errors = list(header.errors)
    topics, topic_lines = {}, {}
    questions = _questions(path, header, errors, topics, topic_lines)
    _check_topics(path, questions, topic_lines, errors)
    _check_variants(path, questions, errors)
    settings["topics"] = topics
    return QuizSpec(slug, path, settings, questions, topic_lines), sorted(errors, key=lambda e: e.line)


def _settings(h: Parsed, path: str) -> dict:
    review = h.fields.get("review", "after_pass")
    if review not in REVIEW_MODES:
        h.errors.append(ContentError(path, h.field_lines["review"], "поле «review»: " + ", ".join(REVIEW_MODES)))
    return {
        "title": h.fields.get("title", ""),
        "module": h.fields.get("module", ""),
        "pass_mark": as_int(h, path, "pass_mark", 80, 1, 100),
        "required": as_bool(h, path, "required", True),
        "questions_per_attempt": as_int(h, path, "questions_per_attempt", 0, 0, 1000),
        "questions_per_topic": as_int(h, path, "questions_per_topic", 0, 0, 1000),
        "time_limit_min": as_int(h, path, "time_limit", 0, 0, 24 * 60),
        "max_attempts": as_int(h, path, "max_attempts", 0, 0, 1000),
        "cooldown_min": as_int(h, path, "cooldown", 0, 0, 7 * 24 * 60),
        "shuffle": as_bool(h, path, "shuffle", True),
        "review": review,
    }


class _QuestionReader:
    """Reads the lines of one `=== key` block."""

    def __init__(self, path, spec, errors):
        self.path, self.spec, self.errors = path, spec, errors
        self.fields, self.options, self.items, self.pairs = {}, [], [], []
        self.last = None  # (kind, index or key) that a continuation line extends

    def error(self, line, message):
        self.errors.append(ContentError(self.path, line, message))

    def feed(self, number, line):
        if line.startswith("  ") and line.strip() and self.last:
            return self._continue(line.strip())
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        if m := OPTION_RE.match(stripped):
            self._option(m)
        elif stripped.startswith("> "):
            self._feedback(number, stripped[2:].strip())
        elif stripped.startswith("= "):
            self._pair(number, stripped[2:])
        elif m := ORDER_RE.match(stripped):
            if int(m.group(1)) != len(self.items) + 1:
                self.error(number, f"ожидался пункт {len(self.items) + 1}.")
            self.items.append(m.group(2).strip())
            self.last = ("item", len(self.items) - 1)
        else:
            self._field(number, stripped)

    def _continue(self, text):
        kind, ref = self.last
        target = {"option": self.options, "item": self.items}.get(kind)
        if kind == "field":
            self.fields[ref] = (self.fields[ref][0] + " " + text, self.fields[ref][1])
        elif kind == "option":
            target[ref]["text"] += " " + text
        elif kind == "item":
            target[ref] += " " + text
        elif kind == "feedback":
            self.options[ref]["feedback"] += " " + text

    def _option(self, m):
        option = {"text": m.group(3).strip(), "correct": m.group(1) == "+"}
        if m.group(2):
            option["weight"] = float(m.group(2).replace(",", ".")) * (1 if option["correct"] else -1)
        self.options.append(option)
        self.last = ("option", len(self.options) - 1)

    def _feedback(self, number, text):
        """`> text` under an option: what a consultant who gave that answer is told in the review."""
        index = self.last[1] if self.last and self.last[0] in ("option", "feedback") else None
        if index is None or "feedback" in self.options[index]:
            self.error(number, "отзыв «> …» пишется один раз, сразу под своим вариантом (+ или -)")
            return
        self.options[index]["feedback"] = text
        self.last = ("feedback", index)

    def _pair(self, number, text):
        left, sep, right = text.partition("->")
        if not sep or not left.strip() or not right.strip():
            self.error(number, "пара пишется так: = левая часть -> правая часть")
            return
        self.pairs.append([left.strip(), right.strip()])
        self.last = None

    def _field(self, number, stripped):
        key, sep, value = stripped.partition(":")
        key = key.strip()
        if not sep or key not in QUESTION_FIELDS:
            self.error(number, f"непонятная строка или неизвестное поле: «{stripped[:40]}»")
        elif key in self.fields:
            self.error(number, f"поле «{key}» указано дважды")
        else:
            self.fields[key] = (value.strip(), number)
            self.last = ("field", key)

    def finish(self):
        spec, f = self.spec, self.fields
        for name in REQUIRED_FIELDS:
            if not f.get(name, ("",))[0]:
                self.error(spec.line, f"вопрос {spec.key}: нет поля «{name}»")
            elif f[name][0] == TO_FILL:
                self.errors.append(MissingValue(self.path, f[name][1], f"вопрос {spec.key}: заполните поле «{name}» "
                                                f"(в файле GIFT его не было, импорт поставил «{TO_FILL}»)"))
        spec.type = f.get("type", ("",))[0]
        spec.topic = f.get("topic", ("",))[0]
        qtype = REGISTRY.get(spec.type)
        if spec.type and qtype is None:
            self.error(f["type"][1], f"неизвестный тип «{spec.type}»; возможны: {', '.join(REGISTRY)}")
        spec.data = {k: f.get(k, ("",))[0] for k in ("text", "explanation", "article")}
        spec.data.update({k: f[k][0] for k in META_FIELDS if f.get(k, ("",))[0]})
        spec.data.update(options=self.options, items=self.items, pairs=self.pairs)
        kind = spec.data.get("kind")
        if kind and kind not in KINDS:
            self.error(f["kind"][1], f"вопрос {spec.key}: kind — {' или '.join(KINDS)}, а не «{kind}»")
        self._answer_feedback(spec)
        self._answer(spec)
        if qtype:
            for message in qtype.validate(spec.data):
                self.error(spec.line, f"вопрос {spec.key}: {message}")

    def _answer(self, spec):
        raw, line = self.fields.get("answer", (None, spec.line))
        if raw is None:
            if "tolerance" in self.fields:
                self.error(self.fields["tolerance"][1], "tolerance пишется вместе с answer: (в строках ответов "
                                                        "допуск свой: + 9 ± 1)")
            return
        if spec.type == "truefalse":
            word = raw.lower()
            spec.data["answer"] = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        elif spec.type == "numeric":
            spec.data["answer"] = _number(raw)
            spec.data["tolerance"] = _number(self.fields.get("tolerance", ("0",))[0]) or 0.0
            if spec.data["answer"] is None:
                self.error(line, "answer: ожидается число")
    def _answer_feedback(self, spec):
        for name in FEEDBACK_FIELDS:
            if name in self.fields and spec.type != "truefalse":
                self.error(self.fields[name][1], f"поле «{name}» бывает только у вопроса truefalse")
            elif self.fields.get(name, ("",))[0]:
                spec.data[name] = self.fields[name][0]


def _number(raw):
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _topic(path, number, line, topics, topic_lines, errors):
    """`topic <slug>: <title> -> <section>, <module>/<section>`: where a topic is taught (sections may
    wait, e.g. after a GIFT import; a consultant who fails the topic then gets no links)."""
    m = TOPIC_RE.match(line.strip())
    if not m:
        errors.append(ContentError(path, number, "тема пишется так: topic slug: Название -> раздел, раздел"))
        return
    slug, title = m.group(1), m.group(2)
    sections = [s.strip() for s in (m.group(3) or "").split(",") if s.strip()]
    if slug in topics:
        errors.append(ContentError(path, number, f"тема {slug} уже была в строке {topic_lines[slug]}"))
        return
    topics[slug], topic_lines[slug] = {"title": title, "sections": sections}, number


def _check_topics(path, questions, topic_lines, errors):
    used = {q.topic for q in questions if q.topic}
    for q in questions:
        if q.topic and q.topic not in topic_lines:
            errors.append(ContentError(path, q.line, f"вопрос {q.key}: тема «{q.topic}» не описана строкой topic"))
    for slug in sorted(set(topic_lines) - used):
        errors.append(ContentError(path, topic_lines[slug], f"тема {slug} не используется ни в одном вопросе"))


def _check_variants(path, questions, errors):
    keys = {q.key for q in questions}
    for q in questions:
        original = q.data.get("variant_of")
        if original and (original == q.key or original not in keys):
            errors.append(ContentError(path, q.line, f"вопрос {q.key}: variant_of — ключ другого вопроса этого банка"))


def _questions(path: str, header: Parsed, errors: list, topics: dict, topic_lines: dict) -> list[QuestionSpec]:
    questions, seen, reader = [], {}, None
    for number, line in enumerate(header.body_lines, start=header.body_start):
        if line.startswith("==="):
            if reader:
                reader.finish()
            key = line[3:].strip()
            if not KEY_RE.match(key):
                errors.append(ContentError(path, number, "идентификатор вопроса: латиница, цифры, дефис"))
            elif key in seen:
                errors.append(ContentError(path, number, f"идентификатор {key} уже был в строке {seen[key]}"))
            seen.setdefault(key, number)
            spec = QuestionSpec(key, number)
            questions.append(spec)
            reader = _QuestionReader(path, spec, errors)
        elif reader:
            reader.feed(number, line)
        elif line.startswith("topic "):
            _topic(path, number, line, topics, topic_lines, errors)
        elif line.strip() and not line.lstrip().startswith("#"):
            errors.append(ContentError(path, number, "до первого вопроса (=== id) ничего не должно быть"))
    if reader:
        reader.finish()
    if not questions and not header.errors:
        errors.append(ContentError(path, header.body_start, "в файле нет ни одного вопроса"))
    return questions

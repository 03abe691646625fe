"""Rules a question bank meets so that it measures readiness, checked by the loader (`content check`).

Always, for every question: `kind` is scenario or recall, and `section` names a section that exists
(`NN-slug` of the quiz's module or `module/NN-slug`).

For a whole bank, with thresholds from BankRules (config key CONTENT_RULES overrides the defaults,
which are the center's rules; tests relax them for their small sample banks):
* enough to retake: `min_questions` questions, `min_per_topic` per declared topic, and
  `questions_per_topic` set so that every topic is drawn;
* at least `min_scenario_share` of the questions are `kind: scenario`;
* no tells (see `tells`): the keyed option longest too often, words or article numbers that
  mark the keyed option, near-identical questions that are not declared variants.
"""

from collections import Counter
from dataclasses import dataclass

from .frontmatter import ContentError
from .quizfile import KINDS, QuizSpec
from .tells import article_tells, longest_keyed, similar_questions, tell_words


@dataclass(frozen=True)
class BankRules:
    min_questions: int = 100
    min_per_topic: int = 5
    per_topic_sampling: bool = True
    min_scenario_share: float = 0.5
    tells: bool = True
    max_longest_keyed_share: float = 0.4
    tell_word_min_share: float = 0.1
    tell_word_ratio: float = 2.0
    max_similarity: float = 0.8

    @classmethod
    def from_config(cls, config) -> "BankRules":
        return cls(**config.get("CONTENT_RULES", {}))


def section_ref(module: str, ref: str) -> str:
    """`NN-slug` of the quiz's module or `module/NN-slug`, as `module/NN-slug`."""
    return ref if "/" in ref else f"{module}/{ref}"


def question_errors(spec: QuizSpec, sections: set[str]) -> list[ContentError]:
    """Every question says what it tests (kind) and which existing section teaches it."""
    errors = []
    for q in spec.questions:
        if not q.data.get("kind"):
            errors.append(ContentError(spec.path, q.line, f"вопрос {q.key}: нет поля «kind» ({' или '.join(KINDS)})"))
        ref = q.data.get("section")
        if not ref:
            errors.append(ContentError(spec.path, q.line, f"вопрос {q.key}: нет поля «section» (раздел, где это учат)"))
        elif section_ref(spec.settings["module"], ref) not in sections:
            errors.append(ContentError(spec.path, q.line, f"вопрос {q.key}: раздел «{ref}» не найден"))
    return errors


def _retake_errors(spec: QuizSpec, rules: BankRules) -> list[ContentError]:
    errors, count = [], len(spec.questions)
    if count < rules.min_questions:
        errors.append(ContentError(spec.path, 1, f"вопросов в банке: {count}, нужно не меньше {rules.min_questions}, "
                                                 "чтобы на пересдачу хватало новых вопросов"))
    per_topic = Counter(q.topic for q in spec.questions)
    for slug, line in spec.topic_lines.items():
        if per_topic[slug] < rules.min_per_topic:
            errors.append(ContentError(spec.path, line, f"тема {slug}: вопросов {per_topic[slug]}, "
                                                        f"нужно не меньше {rules.min_per_topic}"))
    if rules.per_topic_sampling and not spec.settings["questions_per_topic"]:
        errors.append(ContentError(spec.path, 1, "не задано questions_per_topic: сколько вопросов брать из каждой "
                                                 "темы, чтобы в каждую попытку попала каждая тема"))
    return errors


def _scenario_errors(spec: QuizSpec, rules: BankRules) -> list[ContentError]:
    scenario = sum(q.data.get("kind") == "scenario" for q in spec.questions)
    if not spec.questions or scenario / len(spec.questions) >= rules.min_scenario_share:
        return []
    return [ContentError(spec.path, 1, f"ситуационных вопросов (kind: scenario) {scenario} из {len(spec.questions)}, "
                                       f"нужно не меньше {round(100 * rules.min_scenario_share)} %")]


def _tell_errors(spec: QuizSpec, rules: BankRules) -> list[ContentError]:
    lines = {q.key: q.line for q in spec.questions}
    errors = []
    for finding in (longest_keyed(spec.questions, rules.max_longest_keyed_share)
                    + tell_words(spec.questions, rules.tell_word_min_share, rules.tell_word_ratio)
                    + article_tells(spec.questions)):
        errors.append(ContentError(spec.path, 1, f"{finding.message}. Вопросы: {', '.join(finding.keys)}"))
    for finding in similar_questions(spec.questions, rules.max_similarity):
        errors.append(ContentError(spec.path, lines[finding.keys[-1]], finding.message))
    return errors


def bank_errors(spec: QuizSpec, rules: BankRules) -> list[ContentError]:
    """Every bank-wide rule the bank breaks, each as a `file:line: message` error naming the questions."""
    errors = _retake_errors(spec, rules) + _scenario_errors(spec, rules)
    return errors + (_tell_errors(spec, rules) if rules.tells else [])

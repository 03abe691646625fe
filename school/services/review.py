"""What a finished attempt shows: the score per topic, where weak topics are taught, and
whether the key may be shown (only after a pass, by default: a retake must not start from it)."""

from dataclasses import dataclass, field

from sqlalchemy import select, tuple_

from ..models import Attempt, Module, Section

# Review mode -> (when the key is shown, in the consultant's words; does this finished attempt show it?)
REVIEW_MODES = {
    "after_pass": ("после того, как тест сдан", lambda attempt: bool(attempt.passed)),
    "never": ("никогда", lambda attempt: False),
    "always": ("после каждой попытки", lambda attempt: True),
}
OTHER_TOPIC = "Прочие вопросы"


@dataclass
class TopicScore:
    slug: str
    title: str
    points: float = 0.0
    count: int = 0
    sections: list[tuple[Module, Section]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return max(0, round(100 * self.points / self.count)) if self.count else 0


def shows_key(attempt: Attempt) -> bool:
    _, shown = REVIEW_MODES.get(attempt.quiz.review, REVIEW_MODES["after_pass"])
    return not attempt.is_open and shown(attempt)


def when_key_shown(quiz) -> str:
    return REVIEW_MODES.get(quiz.review, REVIEW_MODES["after_pass"])[0]


def topic_scores(session, attempt: Attempt) -> list[TopicScore]:
    """Score per topic of a finished attempt, weakest first, each with the sections that teach it."""
    topics = attempt.quiz.topics or {}
    scores: dict[str, TopicScore] = {}
    for aq in attempt.questions:
        slug = aq.snapshot.get("topic", "")
        title = topics.get(slug, {}).get("title") or OTHER_TOPIC
        score = scores.setdefault(slug, TopicScore(slug, title))
        score.points += aq.points or 0.0
        score.count += 1
    where = _sections(session, [ref for s in scores for ref in topics.get(s, {}).get("sections", [])])
    for slug, score in scores.items():
        score.sections = [where[ref] for ref in topics.get(slug, {}).get("sections", []) if ref in where]
    return sorted(scores.values(), key=lambda s: (s.percent, s.title))


def _sections(session, refs: list[str]) -> dict[str, tuple[Module, Section]]:
    """{"module/section": (module, section)} in one query."""
    pairs = {tuple(ref.split("/", 1)) for ref in refs}
    if not pairs:
        return {}
    rows = session.execute(select(Module, Section).join(Section.module)
                           .where(tuple_(Module.slug, Section.slug).in_(pairs)))
    return {f"{m.slug}/{s.slug}": (m, s) for m, s in rows}

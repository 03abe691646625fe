"""Changes of the election law: recorded by the center, traced to the sections and questions citing the
changed articles (marked for review until updated), the consultants they affect, and the re-check.

A section or question is **updated** for a change when its current version was loaded after the change
was recorded. Affected consultants: qualification.affected_by (the module's quiz first passed before
the change took effect) in a module whose sections or bank cite a changed article.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import LawChange, Module, Question, Quiz, Recheck, Section, User
from ..models._types import utcnow
from . import articles, audit, history, qualification

DEFAULT_QUESTIONS, DEFAULT_ATTEMPTS = 10, 2


class LawChangeError(ValueError):
    """The change cannot be recorded or its re-check required; the message says why."""


@dataclass
class ReviewItem:
    module: Module | Quiz
    item: Section | Question
    version: int
    updated_at: datetime | None
    updated: bool


@dataclass
class Review:
    sections: list[ReviewItem] = field(default_factory=list)
    questions: list[ReviewItem] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(not i.updated for i in self.sections + self.questions)


@dataclass
class AffectedModule:
    module: Module
    quiz: Quiz | None  # the module's bank


@dataclass
class Affected:
    consultant: User
    module: Module
    passed_at: datetime


def record(session, admin_id: int, raw_articles: str, effective: date, note: str) -> LawChange:
    """Record a change of these articles from `effective`; audited in the same transaction."""
    listed, bad = articles.parse_list(raw_articles or "")
    if bad or not listed:
        raise LawChangeError("Укажите статьи так: «ст. 20-1, ст. 43».")
    change = LawChange(articles=listed, effective_date=effective, note=(note or "").strip(), created_by_id=admin_id,
                       recheck_questions=DEFAULT_QUESTIONS, recheck_attempts=DEFAULT_ATTEMPTS)
    session.add(change)
    session.flush()
    audit.record(session, admin_id, "law.change", None, change=change.id, articles=listed,
                 effective=effective.isoformat())
    return change


def all_changes(session) -> list[LawChange]:
    return list(session.scalars(select(LawChange).order_by(LawChange.effective_date.desc(), LawChange.id.desc())))


def review(session, change: LawChange) -> Review:
    """The sections and active questions citing the changed articles, each marked updated or to review."""
    entries = articles.index(session, set(change.articles))
    sections = {s.id: (m, s) for e in entries for m, s in e.sections}
    questions = {q.id: (quiz, q) for e in entries for quiz, q in e.questions}
    versions = history.current_sections(session, list(sections))
    loaded = history.question_updated_at(session, list(questions))
    out = Review()
    for sid, (module, section) in sections.items():
        v = versions[sid]
        out.sections.append(ReviewItem(module, section, v.version, v.created_at, v.created_at >= change.created_at))
    for qid, (quiz, question) in questions.items():
        at = loaded.get(qid)
        out.questions.append(ReviewItem(quiz, question, question.version, at, bool(at and at >= change.created_at)))
    return out


def affected_modules(session, change: LawChange) -> list[AffectedModule]:
    """Modules whose sections or bank cite a changed article."""
    entries = articles.index(session, set(change.articles))
    module_ids = {m.id for e in entries for m, _ in e.sections} | {q.module_id for e in entries for q, _ in e.questions}
    modules = session.scalars(select(Module).where(Module.id.in_(module_ids)).order_by(Module.position))
    quizzes = {q.slug: q for q in session.scalars(select(Quiz))}
    return [AffectedModule(m, quizzes.get(m.quiz_slug)) for m in modules]


def affected(session, change: LawChange) -> list[Affected]:
    """Consultants who passed a citing module's quiz before the change took effect, by name."""
    modules = [a for a in affected_modules(session, change) if a.quiz]
    consultants = select(User.id).where(User.role == "consultant")
    results = qualification.quiz_results(session, consultants)
    hits = [(u, a.module, r.passed_at) for a in modules for (u, q), r in results.items()
            if q == a.quiz.id and qualification.affected_by(r, change.effective_date)]
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_({u for u, _, _ in hits}))
                                                .options(selectinload(User.team)))}
    return sorted((Affected(people[u], m, at) for u, m, at in hits),
                  key=lambda a: (a.consultant.full_name, a.module.position))


def pool(session, change: LawChange, source: Quiz) -> list[Question]:
    """The questions a re-check draws from: active questions of the module's bank that cite a changed
    article and were updated after the change was recorded."""
    bank = list(session.scalars(select(Question).filter_by(quiz_id=source.id, active=True).order_by(Question.position)))
    citing = [q for q in bank if set(articles.cited(q.data.get("article", ""))) & set(change.articles)]
    loaded = history.question_updated_at(session, [q.id for q in citing])
    return [q for q in citing if loaded.get(q.id) and loaded[q.id] >= change.created_at]


def _recheck_quiz(change: LawChange, module: Module, source: Quiz) -> Quiz:
    return Quiz(slug=f"recheck-{change.id}-{source.slug}"[:100], module_id=module.id, required=False,
                title=f"Повторная проверка: {module.title} (изменения с {change.effective_date:%d.%m.%Y})",
                pass_mark=change.recheck_pass_mark or source.pass_mark, questions_per_attempt=change.recheck_questions,
                max_attempts=change.recheck_attempts, cooldown_min=source.cooldown_min, shuffle=True,
                review="after_pass", topics=source.topics or {})


def require_recheck(session, change: LawChange, admin_id: int, questions: int, pass_mark: int | None,
                    attempts: int) -> list[Recheck]:
    """Require affected consultants to pass a re-check per citing module that has updated questions;
    their status becomes «нужно обновить» in the same transaction."""
    if change.recheck_required_at:
        raise LawChangeError("Повторная проверка уже назначена.")
    change.recheck_questions, change.recheck_pass_mark, change.recheck_attempts = questions, pass_mark, attempts
    made = []
    for a in affected_modules(session, change):
        if a.quiz and pool(session, change, a.quiz):
            quiz = _recheck_quiz(change, a.module, a.quiz)
            made.append(Recheck(change=change, quiz=quiz, source_quiz=a.quiz))
            session.add_all([quiz, made[-1]])
    if not made:
        raise LawChangeError("В банках вопросов нет вопросов по этим статьям, обновлённых после записи изменения: "
                             "сначала обновите вопросы и загрузите содержание.")
    change.recheck_required_at = utcnow()
    audit.record(session, admin_id, "law.recheck", None, change=change.id, questions=questions,
                 pass_mark=pass_mark, attempts=attempts, quizzes=[r.quiz.slug for r in made])
    qualification.refresh_all(session)
    return made


def recheck_of(session, quiz: Quiz) -> Recheck | None:
    return session.scalar(select(Recheck).filter_by(quiz_id=quiz.id))


def recheck_bank(session, quiz: Quiz) -> list[Question] | None:
    """What an attempt of this quiz draws from if it is a re-check (None: an ordinary quiz, its own bank)."""
    recheck = recheck_of(session, quiz)
    return pool(session, recheck.change, recheck.source_quiz) if recheck else None


def may_take(session, user_id: int, quiz: Quiz) -> bool:
    """Anyone may open an ordinary quiz; a re-check only the consultants it concerns."""
    recheck = recheck_of(session, quiz)
    if recheck is None:
        return True
    result = qualification.quiz_results(session, [user_id]).get((user_id, recheck.source_quiz_id))
    return qualification.affected_by(result, recheck.change.effective_date)


@dataclass
class Notice:
    """What a consultant's dashboard says about one change that concerns them."""

    change: LawChange
    sections: list[ReviewItem]
    rechecks: list[tuple[Quiz, bool]]  # (re-check quiz, passed)


def for_consultant(session, user_id: int) -> list[Notice]:
    """The changes that concern this consultant (they passed a citing module before it took effect),
    with the sections to re-read and their re-checks."""
    results = qualification.quiz_results(session, [user_id])
    passed = {q for (_, q), r in results.items() if r.passed_at}
    notices = []
    for change in all_changes(session):
        modules = [a for a in affected_modules(session, change)
                   if a.quiz and qualification.affected_by(results.get((user_id, a.quiz.id)), change.effective_date)]
        if not modules:
            continue
        ids = {a.module.id for a in modules}
        sections = [i for i in review(session, change).sections if i.module.id in ids]
        rechecks = [(r.quiz, r.quiz_id in passed) for r in change.rechecks if r.source_quiz.module_id in ids]
        notices.append(Notice(change, sections, rechecks))
    return notices

"""A consultant's own dashboard: modules, reading progress, quiz status, qualification."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Attempt, Module, Quiz
from . import certificates, lawchanges, progress, qualification
from .seats import Seat, seats


@dataclass
class ModuleCard:
    module: Module
    quiz: Quiz | None
    read: int
    seconds: int
    best_score: float | None
    passed: bool
    attempts: int
    open_attempt: Attempt | None
    seat: Seat | None = None  # the seminar standing (services/seats.py)
    source: str = ""  # what completed the study part: «семинар 12.12, зал 3» or «онлайн»


def consultant_dashboard(session, user_id: int):
    """(cards, qualified_at) for one consultant."""
    modules = list(session.scalars(select(Module).options(selectinload(Module.sections)).order_by(Module.position)))
    quizzes = {q.slug: q for q in session.scalars(select(Quiz))}
    reads = progress.module_progress(session, [user_id])
    results = qualification.quiz_results(session, [user_id])
    open_attempts = {a.quiz_id: a for a in session.scalars(select(Attempt).filter_by(user_id=user_id, status="open"))}
    places, sources = seats(session, [user_id]), qualification.sources(session, [user_id])
    cards = []
    for m in modules:
        quiz = quizzes.get(m.quiz_slug)
        read, seconds, _ = reads.get((user_id, m.id), (0, 0, None))
        res = results.get((user_id, quiz.id)) if quiz else None
        cards.append(ModuleCard(m, quiz, read, seconds, res.best_score if res else None,
                                bool(res and res.passed_at), res.attempts if res else 0,
                                open_attempts.get(quiz.id) if quiz else None, places.get((user_id, m.id)),
                                sources.get((user_id, m.id), "")))
    return cards, qualification.qualification_of(session, user_id)


@dataclass
class Standing:
    """The consultant's qualification as the dashboard states it, with what changed in the law."""

    status: str
    since: datetime | None
    certificate: str
    notices: list[lawchanges.Notice] = field(default_factory=list)


def standing(session, user_id: int) -> Standing:
    fact = qualification.of(session, user_id)
    certificate = certificates.status_of(certificates.of(session, user_id), fact.status)
    return Standing(fact.status, fact.qualified_at, certificate, lawchanges.for_consultant(session, user_id))

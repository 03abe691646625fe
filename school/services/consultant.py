"""One consultant as their coordinator or the center sees them: progress, attempts, sign-off."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..models import Attempt, Quiz, SectionProgress, Signoff, User
from .attempt_requests import Standing, standings
from .dashboard import ModuleCard, consultant_dashboard


@dataclass
class ConsultantOverview:
    consultant: User
    cards: list[ModuleCard]
    qualified_at: datetime | None
    attempts: list[Attempt]
    last_activity: datetime | None
    signoff: Signoff | None
    standings: dict[int, Standing]

    @property
    def seconds(self):
        return sum(c.seconds for c in self.cards)


def overview(session, consultant: User) -> ConsultantOverview:
    cards, qualified_at = consultant_dashboard(session, consultant.id)
    attempts = list(session.scalars(select(Attempt).filter_by(user_id=consultant.id)
                                    .join(Quiz).order_by(Quiz.slug, Attempt.number)))
    last_read = session.scalar(select(func.max(SectionProgress.last_opened_at)).filter_by(user_id=consultant.id))
    last_attempt = max((a.submitted_at or a.started_at for a in attempts), default=None)
    last = max(filter(None, (last_read, last_attempt)), default=None)
    signoff = session.scalar(select(Signoff).filter_by(consultant_id=consultant.id))
    quizzes = standings(session, consultant.id, [c.quiz for c in cards if c.quiz])
    return ConsultantOverview(consultant, cards, qualified_at, attempts, last, signoff, quizzes)

"""One consultant as their coordinator or the center sees them: progress, attempts, sign-off."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..models import Attempt, Certificate, Quiz, SectionProgress, Signoff, User
from . import certificates, qualification
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
    status: str = "not_started"  # the stored qualification
    since: datetime | None = None  # qualified since (also while an update is due)
    rechecks: list = field(default_factory=list)  # re-checks after a change of the law still to pass
    certificate: Certificate | None = None
    certificate_status: str = "none"

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
    fact = qualification.of(session, consultant.id)
    certificate = certificates.of(session, consultant.id)
    return ConsultantOverview(consultant, cards, qualified_at, attempts, last, signoff, quizzes, fact.status,
                              fact.qualified_at, qualification.pending_rechecks(session, [consultant.id]).get(
                                  consultant.id, []), certificate, certificates.status_of(certificate, fact.status))

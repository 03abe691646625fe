"""Data model: organisation, content, progress and attempts."""

from .attempt import Attempt, AttemptGrant, AttemptQuestion, AttemptRequest
from .audit import AuditEntry
from .contact import CONTACT_KINDS, Contact
from .content import Memo, Module, Question, Quiz, Section
from .invitation import Invitation
from .org import District, PollingStation, Team, User
from .progress import SectionProgress
from .qualification import Qualification
from .readiness import Signoff

__all__ = [
    "Attempt",
    "AttemptGrant",
    "AttemptQuestion",
    "AttemptRequest",
    "AuditEntry",
    "CONTACT_KINDS",
    "Contact",
    "District",
    "Invitation",
    "Memo",
    "Module",
    "PollingStation",
    "Qualification",
    "Question",
    "Quiz",
    "Section",
    "SectionProgress",
    "Signoff",
    "Team",
    "User",
]

"""Data model: organisation, content, progress and attempts."""

from .attempt import Attempt, AttemptGrant, AttemptQuestion, AttemptRequest
from .audit import AuditEntry
from .certificate import Certificate
from .contact import CONTACT_KINDS, Contact
from .content import Memo, Module, Question, Quiz, Section
from .history import QuestionVersion, SectionVersion
from .invitation import Invitation
from .lawchange import LawChange, Recheck
from .org import District, PollingStation, Team, User
from .playbook import Situation
from .progress import SectionProgress
from .qualification import Qualification
from .readiness import Signoff
from .seminar import Booking, CompletionRule, SeminarSession
from .voting import CheckIn, CheckInEvent, DeviceToken, Incident, IncidentEvent, IncidentPhoto, VotingDay

__all__ = [
    "Attempt",
    "AttemptGrant",
    "AttemptQuestion",
    "AttemptRequest",
    "AuditEntry",
    "Booking",
    "Certificate",
    "CheckIn",
    "CheckInEvent",
    "CONTACT_KINDS",
    "CompletionRule",
    "Contact",
    "DeviceToken",
    "District",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "Invitation",
    "LawChange",
    "Memo",
    "Module",
    "PollingStation",
    "Qualification",
    "Question",
    "QuestionVersion",
    "Quiz",
    "Recheck",
    "Section",
    "SectionVersion",
    "SectionProgress",
    "SeminarSession",
    "Signoff",
    "Situation",
    "Team",
    "User",
    "VotingDay",
]

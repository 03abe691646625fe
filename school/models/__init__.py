"""Data model: organisation, content, progress and attempts."""

from .attempt import Attempt, AttemptGrant, AttemptQuestion, AttemptRequest
from .audit import AuditEntry
from .certificate import Certificate
from .contact import CONTACT_KINDS, Contact
from .content import Memo, Module, Question, Quiz, Section
from .election import Contest, ControlRelation, Election, OfficialResult, ProtocolLine
from .history import QuestionVersion, SectionVersion
from .invitation import Invitation
from .lawchange import LawChange, Recheck
from .org import District, PollingStation, Team, User
from .playbook import Situation
from .progress import SectionProgress
from .protocol import (
    ProtocolCopy,
    ProtocolEntry,
    ProtocolEvent,
    ProtocolPhoto,
    ProtocolVersion,
    RelationCheck,
    Settlement,
)
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
    "Contest",
    "ControlRelation",
    "DeviceToken",
    "District",
    "Election",
    "Incident",
    "IncidentEvent",
    "IncidentPhoto",
    "Invitation",
    "LawChange",
    "Memo",
    "Module",
    "OfficialResult",
    "PollingStation",
    "ProtocolCopy",
    "ProtocolEntry",
    "ProtocolEvent",
    "ProtocolLine",
    "ProtocolPhoto",
    "ProtocolVersion",
    "Qualification",
    "Question",
    "QuestionVersion",
    "Quiz",
    "Recheck",
    "RelationCheck",
    "Section",
    "SectionVersion",
    "SectionProgress",
    "SeminarSession",
    "Settlement",
    "Signoff",
    "Situation",
    "Team",
    "User",
    "VotingDay",
]

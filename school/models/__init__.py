"""Data model: organisation, content, progress and attempts."""

from .attempt import Attempt, AttemptQuestion
from .content import Memo, Module, Question, Quiz, Section
from .org import District, PollingStation, Team, User
from .progress import SectionProgress

__all__ = [
    "Attempt", "AttemptQuestion", "District", "Memo", "Module", "PollingStation",
    "Question", "Quiz", "Section", "SectionProgress", "Team", "User",
]

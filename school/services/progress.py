"""Reading progress: which sections a consultant opened and finished, and time spent."""

from datetime import timedelta

from sqlalchemy import func, select

from ..models import Section, SectionProgress
from ..models._types import utcnow
from . import qualification
from .upsert import insert_missing

MAX_SECTION_SECONDS = 3600  # a tab left open overnight is not study time


def _row(session, user_id, section_id):
    return session.scalar(select(SectionProgress).filter_by(user_id=user_id, section_id=section_id))


def open_section(session, user_id: int, section: Section, now=None) -> SectionProgress:
    """Record that the consultant is reading this section now; the first open creates the row once, even
    when two requests open the section at the same moment."""
    now = now or utcnow()
    row = _row(session, user_id, section.id)
    if row is None:
        insert_missing(session, SectionProgress, ("user_id", "section_id"), user_id=user_id, section_id=section.id,
                       first_opened_at=now, last_opened_at=now, seconds_spent=0)
        row = _row(session, user_id, section.id)
        qualification.refresh(session, [user_id])  # a first section opened: the consultant has started
    row.last_opened_at = now
    return row


def complete_section(session, user_id: int, section: Section, now=None) -> SectionProgress:
    """Mark a section read; time since it was opened counts, capped so idle tabs don't inflate it."""
    now = now or utcnow()
    row = _row(session, user_id, section.id) or open_section(session, user_id, section, now)
    cap = min(MAX_SECTION_SECONDS, section.minutes * 3 * 60)
    elapsed = (now - row.last_opened_at) / timedelta(seconds=1)
    row.seconds_spent += int(max(0, min(elapsed, cap)))
    row.last_opened_at = now
    if row.completed_at is None:
        row.completed_at = now
        qualification.refresh(session, [user_id])  # every section read may complete the module's study part
    return row


def resume_section(session, user_id: int, module) -> Section | None:
    """Where to continue: the last opened section if unfinished, else the first unread one."""
    rows = {p.section_id: p for p in session.scalars(
        select(SectionProgress).join(Section).where(
            SectionProgress.user_id == user_id, Section.module_id == module.id))}
    if not module.sections:
        return None
    if rows:
        last = max(rows.values(), key=lambda p: p.last_opened_at)
        if last.completed_at is None:
            return next(s for s in module.sections if s.id == last.section_id)
    unread = [s for s in module.sections if s.id not in rows or rows[s.id].completed_at is None]
    return unread[0] if unread else module.sections[0]


def completed_section_ids(session, user_id: int, module_id: int) -> set[int]:
    stmt = (select(SectionProgress.section_id).join(Section)
            .where(SectionProgress.user_id == user_id, Section.module_id == module_id,
                   SectionProgress.completed_at.is_not(None)))
    return set(session.scalars(stmt))


def module_progress(session, user_ids):
    """{(user_id, module_id): (sections_read, seconds, last_activity)} for a select of user ids."""
    stmt = (select(SectionProgress.user_id, Section.module_id,
                   func.count(SectionProgress.completed_at), func.sum(SectionProgress.seconds_spent),
                   func.max(SectionProgress.last_opened_at))
            .join(Section).where(SectionProgress.user_id.in_(user_ids))
            .group_by(SectionProgress.user_id, Section.module_id))
    return {(u, m): (read, seconds or 0, last) for u, m, read, seconds, last in session.execute(stmt)}

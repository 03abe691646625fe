"""Qualification: the one definition, and the stored fact derived from it.

A consultant is **qualified** when every required quiz has a passed attempt and, for each module of a
required quiz, its study part is complete under the center's rule for that module: «quiz» (nothing more,
the default), «online» (every section read), «seminar» (a seminar of the module attended, present or late)
or «either». The date is when the last of these was done. **Started** means a section was opened, an
attempt started or a seminar attended.
A consultant is **affected** by a change of the law for a module when they first passed its quiz before
the change took effect; when the center requires a re-check for that change, an affected consultant
must pass it too. Status: qualified; needs_update if qualified but a required re-check is not passed
(«нужно обновить»); else in_progress if started, else not_started. It is computed by the server
from attempts and reading (never typed in), stored in `qualifications`, and refreshed in the same
transaction as every event that changes it: grading, starting (a first section or attempt), a section
read, an attendance mark, an extra attempt, `content load` changing which quizzes are required or the
sections, a re-check required, a change of a module's rule (after a preview of who would lose it).
`rebuild` recomputes it all.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, delete, func, select

from ..models import (
    Attempt,
    Booking,
    CompletionRule,
    LawChange,
    Qualification,
    Quiz,
    Recheck,
    Section,
    SectionProgress,
    SeminarSession,
    User,
)
from ..models._types import utcnow
from ..models.seminar import ATTENDED, COMPLETION_RULES
from . import audit
from .calendar import ALMATY, start_of_day

QUALIFIED = ("qualified", "needs_update")


@dataclass
class QuizResult:
    best_score: float | None
    passed_at: datetime | None
    attempts: int


def required_quiz_ids(session) -> list[int]:
    """The one definition of «required quizzes»."""
    return list(session.scalars(select(Quiz.id).where(Quiz.required).order_by(Quiz.id)))


def quiz_results(session, user_ids) -> dict[tuple[int, int], QuizResult]:
    """{(user_id, quiz_id): QuizResult} for a select (or list) of user ids, in one query."""
    passed_at = func.min(case((Attempt.passed.is_(True), Attempt.submitted_at)))
    stmt = (select(Attempt.user_id, Attempt.quiz_id, func.max(Attempt.score), passed_at, func.count())
            .where(Attempt.user_id.in_(user_ids), Attempt.status == "submitted")
            .group_by(Attempt.user_id, Attempt.quiz_id))
    return {(u, q): QuizResult(best, at, n) for u, q, best, at, n in session.execute(stmt)}


def qualified_at(results: dict, user_id: int, required: list[int], study: list | None = None) -> datetime | None:
    """When the consultant became qualified, or None if a required quiz is not passed (or none is required)
    or a study part its module's rule asks for is not done; `study` is [(rule, StudyPart)] per such module."""
    if not required:
        return None
    dates = [results.get((user_id, q)) for q in required]
    if any(r is None or r.passed_at is None for r in dates):
        return None
    done = [study_at(rule, part) for rule, part in study or ()]
    if any(at is None for at in done):
        return None
    return max([r.passed_at for r in dates] + done)


@dataclass
class RecheckRule:
    quiz_id: int  # the re-check's own quiz
    source_quiz_id: int  # the module's quiz: passed before `effective`, the consultant is affected
    effective: date
    title: str


def affected_by(result: QuizResult | None, effective: date) -> bool:
    """The one definition of «affected by a change of the law» for a module: its quiz was first passed
    before the day the change took effect."""
    return bool(result and result.passed_at and result.passed_at < start_of_day(effective))


def recheck_rules(session) -> list[RecheckRule]:
    """Every re-check the center has required, in one query."""
    stmt = (select(Recheck.quiz_id, Recheck.source_quiz_id, LawChange.effective_date, Quiz.title)
            .join(LawChange, LawChange.id == Recheck.law_change_id).join(Quiz, Quiz.id == Recheck.quiz_id)
            .where(LawChange.recheck_required_at.is_not(None)).order_by(Recheck.id))
    return [RecheckRule(q, src, effective, title) for q, src, effective, title in session.execute(stmt)]


def pending(results: dict, rules: list[RecheckRule], user_id: int) -> list[RecheckRule]:
    """The required re-checks this consultant is affected by and has not passed."""
    return [r for r in rules if affected_by(results.get((user_id, r.source_quiz_id)), r.effective)
            and not getattr(results.get((user_id, r.quiz_id)), "passed_at", None)]


def pending_rechecks(session, user_ids) -> dict[int, list[RecheckRule]]:
    """{user_id: re-checks still to pass} for a select (or list) of user ids, in two queries."""
    rules = recheck_rules(session)
    if not rules:
        return {}
    results = quiz_results(session, user_ids)
    users = {u for u, _ in results}
    return {u: left for u in users if (left := pending(results, rules, u))}


def _started(session, user_ids, parts: dict) -> dict[int, datetime]:
    """{user_id: first section opened, attempt started or seminar attended}."""
    reads = select(SectionProgress.user_id, func.min(SectionProgress.first_opened_at)).where(
        SectionProgress.user_id.in_(user_ids)).group_by(SectionProgress.user_id)
    tries = select(Attempt.user_id, func.min(Attempt.started_at)).where(
        Attempt.user_id.in_(user_ids)).group_by(Attempt.user_id)
    seminars = [(u, p.seminar_at) for (u, _), p in parts.items() if p.seminar_at]
    first: dict[int, datetime] = {}
    for user_id, at in [*session.execute(reads), *session.execute(tries), *seminars]:
        first[user_id] = min(at, first.get(user_id, at))
    return first


# ---------------------------------------------------------------- the study part of a module

RULES = {"quiz": "только итоговый тест", "online": "тест и все разделы онлайн", "seminar": "тест и семинар",
         "either": "тест и семинар или все разделы онлайн"}


@dataclass
class StudyPart:
    """How far a consultant got in a module's study part."""

    online_at: datetime | None = None  # when the last section was read, once every section is
    seminar_at: datetime | None = None  # the start of the first seminar of the module attended
    seminar_label: str = ""  # «семинар 12.12, зал 3»


def seminar_label(starts_at: datetime, room: str, place: str) -> str:
    return f"семинар {starts_at.astimezone(ALMATY):%d.%m}, {room or place}"


def study_at(rule: str, part: "StudyPart | None") -> datetime | None:
    """When the module's study part was done under `rule` (None: not yet). «quiz» asks for nothing
    beyond the quiz; what was done is still reported, as the source."""
    part = part or StudyPart()
    dates = {"online": [part.online_at], "seminar": [part.seminar_at]}.get(rule, [part.online_at, part.seminar_at])
    return min((d for d in dates if d), default=None)


def source(rule: str, part: "StudyPart | None") -> str:
    """What completed the study part, as every page and export says it: «семинар 12.12, зал 3», «онлайн» or ""."""
    at = study_at(rule, part)
    if at is None:
        return ""
    return part.seminar_label if at == part.seminar_at else "онлайн"


def rules(session) -> dict[int, str]:
    """{module_id: rule} of the modules with a rule of their own; any other module has «quiz»."""
    return dict(session.execute(select(CompletionRule.module_id, CompletionRule.rule)).all())


def study_parts(session, user_ids) -> dict[tuple[int, int], StudyPart]:
    """{(user_id, module_id): StudyPart} for a select (or list) of user ids, in three queries."""
    totals = dict(session.execute(select(Section.module_id, func.count()).group_by(Section.module_id)).all())
    reads = (select(SectionProgress.user_id, Section.module_id, func.count(SectionProgress.completed_at),
                    func.max(SectionProgress.completed_at)).join(Section)
             .where(SectionProgress.user_id.in_(user_ids)).group_by(SectionProgress.user_id, Section.module_id))
    parts: dict[tuple[int, int], StudyPart] = {}
    for user_id, module_id, read, last in session.execute(reads):
        if read and read >= totals.get(module_id, 0):
            parts[(user_id, module_id)] = StudyPart(online_at=last)
    attended = (select(Booking.user_id, SeminarSession.module_id, SeminarSession.starts_at, SeminarSession.room,
                       SeminarSession.place).join(SeminarSession, SeminarSession.id == Booking.session_id)
                .where(Booking.user_id.in_(user_ids), Booking.attendance.in_(ATTENDED))
                .order_by(SeminarSession.starts_at.desc()))
    for user_id, module_id, starts_at, room, place in session.execute(attended):  # the earliest is written last
        part = parts.setdefault((user_id, module_id), StudyPart())
        part.seminar_at, part.seminar_label = starts_at, seminar_label(starts_at, room, place)
    return parts


def sources(session, user_ids) -> dict[tuple[int, int], str]:
    """{(user_id, module_id): source} for every page and export, in four queries."""
    rule_of = rules(session)
    return {key: label for key, part in study_parts(session, user_ids).items()
            if (label := source(rule_of.get(key[1], "quiz"), part))}


def required_module_ids(session) -> set[int]:
    """The modules whose quiz is required: only their study part counts toward qualification."""
    return set(session.scalars(select(Quiz.module_id).where(Quiz.required, Quiz.module_id.is_not(None))))


def _demands(session, rule_of: dict[int, str]) -> list[tuple[int, str]]:
    """[(module_id, rule)] of the modules of required quizzes whose rule asks for more than the quiz."""
    return [(m, rule_of[m]) for m in sorted(required_module_ids(session)) if rule_of.get(m, "quiz") != "quiz"]


def status_of(qualified: datetime | None, started: datetime | None, rechecks_left: bool = False) -> str:
    if qualified:
        return "needs_update" if rechecks_left else "qualified"
    return "in_progress" if started else "not_started"


def compute(session, user_ids: list[int], rule_of: dict[int, str] | None = None
            ) -> dict[int, tuple[str, datetime | None, datetime | None]]:
    """{user_id: (status, qualified_at, started_at)} from attempts, reading, seminars, the modules' rules
    (the stored ones, or `rule_of` for a preview) and required re-checks, in eleven queries.
    A consultant who needs an update keeps the date they first qualified."""
    results, required = quiz_results(session, user_ids), required_quiz_ids(session)
    demands = _demands(session, rules(session) if rule_of is None else rule_of)
    parts = study_parts(session, user_ids)
    started, rechecks = _started(session, user_ids, parts), recheck_rules(session)
    out = {}
    for user_id in user_ids:
        at = qualified_at(results, user_id, required, [(rule, parts.get((user_id, m))) for m, rule in demands])
        status = status_of(at, started.get(user_id), bool(pending(results, rechecks, user_id)))
        out[user_id] = (status, at, started.get(user_id))
    return out


def refresh(session, user_ids: list[int]) -> None:
    """Recompute and store the qualification of these consultants (flushes; the caller commits)."""
    session.flush()
    now = utcnow()
    computed = compute(session, list(user_ids))
    rows = {q.user_id: q for q in session.scalars(select(Qualification).where(Qualification.user_id.in_(computed)))}
    for user_id, (status, at, started) in computed.items():
        row = rows.get(user_id) or Qualification(user_id=user_id)
        if (row.status, row.qualified_at, row.started_at) != (status, at, started) or user_id not in rows:
            row.status, row.qualified_at, row.started_at, row.updated_at = status, at, started, now
            session.add(row)
    session.flush()


def _consultant_ids(session) -> list[int]:
    return list(session.scalars(select(User.id).where(User.role == "consultant")))


def refresh_all(session) -> int:
    """Every consultant at once (after `content load` changed which quizzes are required)."""
    ids = _consultant_ids(session)
    for start in range(0, len(ids), 1000):
        refresh(session, ids[start:start + 1000])
    return len(ids)


def preview(session, rule_of: dict[int, str]) -> tuple[list[int], list[int]]:
    """(would lose, would gain) qualification, by user id, if the modules' rules were `rule_of`: the stored
    fact against the one computed under those rules. Nothing is written."""
    ids = _consultant_ids(session)
    facts, lose, gain = stored(session, ids), [], []
    for start in range(0, len(ids), 1000):
        for user_id, (status, _, _) in compute(session, ids[start:start + 1000], rule_of).items():
            was = user_id in facts and facts[user_id].status in QUALIFIED
            if was != (status in QUALIFIED):
                (lose if was else gain).append(user_id)
    return lose, gain


def set_rules(session, rule_of: dict[int, str], actor_id: int) -> dict[int, tuple[str, str]]:
    """Store the modules' rules, audit each change and refresh every consultant, in the caller's
    transaction; returns {module_id: (old, new)} of what changed. Call `preview` first and show it."""
    current = rules(session)
    changed = {m: (current.get(m, "quiz"), r) for m, r in rule_of.items() if current.get(m, "quiz") != r}
    for module_id, (old, new) in changed.items():
        if new not in COMPLETION_RULES:
            raise ValueError(new)
        row = session.get(CompletionRule, module_id) or CompletionRule(module_id=module_id)
        row.rule, row.changed_at, row.changed_by_id = new, utcnow(), actor_id
        session.add(row)
        audit.record(session, actor_id, "completion.rule", None, module_id=module_id, old=old, new=new)
    if changed:
        refresh_all(session)
    return changed


def rebuild(session) -> int:
    """Throw the stored facts away and derive them again from attempts and reading."""
    session.execute(delete(Qualification))
    return refresh_all(session)


def stored(session, user_ids) -> dict[int, Qualification]:
    """{user_id: Qualification} for a select (or list) of user ids, in one query; missing means not started."""
    return {q.user_id: q for q in session.scalars(select(Qualification).where(Qualification.user_id.in_(user_ids)))}


def of(session, user_id: int) -> Qualification:
    """One consultant's stored qualification (a not-started one if nothing is stored yet)."""
    return session.get(Qualification, user_id) or Qualification(user_id=user_id, status="not_started")


def qualification_of(session, user_id: int) -> datetime | None:
    """When the consultant became qualified (None if not, or if a re-check is still to be passed)."""
    row = of(session, user_id)
    return row.qualified_at if row.status == "qualified" else None

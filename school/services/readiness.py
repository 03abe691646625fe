"""The readiness list: who in a team is qualified, who is not yet and why, and station coverage.

Built in a fixed number of queries whatever the team size.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import load_only, selectinload

from ..models import Module, PollingStation, Quiz, Section, Signoff, User
from . import attempt_requests, certificates, progress, qualification
from .attempts import attempts_used_up
from .seats import Seat, seats

STATUSES = {"qualified": "Квалифицирован", "needs_update": "Нужно обновить", "in_progress": "Ещё нет",
            "not_started": "Не начинал"}
SORTS = ("name", "station", "status", "progress", "score")


@dataclass
class ModuleRow:
    module: Module
    read: int
    total: int
    seconds: int
    best_score: float | None
    passed: bool
    used_up: bool = False  # the quiz is failed and no attempt is left
    requested: bool = False  # an extra attempt is requested and awaits the center's decision
    seat: Seat | None = None  # the seminar standing (services/seats.py)
    source: str = ""  # what completed the study part: «семинар 12.12, зал 3» or «онлайн»
    rule: str = "quiz"  # what the center asks for besides the quiz (services/qualification.py)

    @property
    def percent(self):
        return round(100 * self.read / self.total) if self.total else 0


@dataclass
class ConsultantRow:
    consultant: User
    modules: list[ModuleRow]
    qualified_at: datetime | None
    last_activity: datetime | None
    status: str = "not_started"  # the stored qualification (services/qualification.py)
    reasons: list[str] = field(default_factory=list)
    signoff: Signoff | None = None
    certificate: str = "none"  # services/certificates.py STATUSES

    @property
    def station_number(self):
        return self.consultant.polling_station.number if self.consultant.polling_station else None


@dataclass
class StationCover:
    station: PollingStation
    consultants: list[ConsultantRow]

    @property
    def covered(self):
        return any(r.qualified_at for r in self.consultants)


@dataclass
class Readiness:
    rows: list[ConsultantRow]
    total: int
    qualified: int
    stations_total: int
    stations_covered: int
    modules: list[Module]
    counts: dict[str, int] = field(default_factory=dict)
    coverage: list[StationCover] = field(default_factory=list)

    def module_average(self, index: int) -> int:
        """Average reading progress of the whole team in one module, in percent."""
        return round(sum(r.modules[index].percent for r in self.all_rows) / len(self.all_rows)) if self.all_rows else 0

    @property
    def signed_off(self):
        return sum(1 for r in self.all_rows if r.signoff and r.signoff.active)

    all_rows: list[ConsultantRow] = field(default_factory=list)


def _modules(session):
    counts = dict(session.execute(select(Section.module_id, func.count()).group_by(Section.module_id)).all())
    modules = list(session.scalars(select(Module).order_by(Module.position)))
    quizzes = {q.slug: q for q in session.scalars(select(Quiz))}
    return [(m, counts.get(m.id, 0), quizzes.get(m.quiz_slug)) for m in modules]


def _reasons(row: ConsultantRow, quiz_of, rechecks) -> list[str]:
    reasons = [f"«{r.title}»: не сдана" for r in rechecks]
    for m in row.modules:
        quiz = quiz_of[m.module.id]
        if m.read < m.total:
            reasons.append(f"«{m.module.title}»: прочитано {m.read} из {m.total} разделов")
        if quiz and quiz.required and m.rule in ("seminar", "either") and not m.source:
            needed = "семинар" if m.rule == "seminar" else "семинар или все разделы онлайн"
            reasons.append(f"«{m.module.title}»: нужен {needed} (семинар: {m.seat.label if m.seat else 'нет записи'})")
        if quiz and quiz.required and m.used_up:
            reasons.append(f"тест «{quiz.title}»: попытки исчерпаны{', запрос отправлен' if m.requested else ''}")
        elif quiz and quiz.required and not m.passed:
            reasons.append(f"тест «{quiz.title}» {'не сдан' if m.best_score is not None else 'не начат'}")
    return reasons


def _module_row(module, read, total, seconds, quiz, res, extras, user_id, study) -> ModuleRow:
    passed = bool(res and res.passed_at)
    key = (user_id, quiz.id) if quiz else None
    used_up = bool(quiz and res) and attempts_used_up(quiz, res.attempts, extras.extra.get(key, 0), passed)
    places, sources, rule_of = study
    where = (user_id, module.id)
    return ModuleRow(module, read, total, seconds, res.best_score if res else None, passed,
                     used_up, key in extras.pending, places.get(where), sources.get(where, ""),
                     rule_of.get(module.id, "quiz"))


def team_readiness(session, team_id: int, status: str | None = None, sort: str = "name") -> Readiness:
    """Readiness of one team's consultants, optionally filtered by status and sorted."""
    ids = select(User.id).where(User.team_id == team_id, User.role == "consultant")
    columns = load_only(User.id, User.login, User.full_name, User.role, User.team_id, User.polling_station_id)
    consultants = list(session.scalars(
        select(User).where(User.id.in_(ids)).options(columns, selectinload(User.polling_station))
        .order_by(User.full_name)))
    modules = _modules(session)
    reads = progress.module_progress(session, ids)
    results = qualification.quiz_results(session, ids)
    extras = attempt_requests.team_extras(session, ids)
    facts = qualification.stored(session, ids)
    rechecks = qualification.pending_rechecks(session, ids)
    certs = certificates.statuses(session, ids)
    study = (seats(session, ids), qualification.sources(session, ids), qualification.rules(session))
    signoffs = {s.consultant_id: s for s in session.scalars(
        select(Signoff).where(Signoff.consultant_id.in_(ids)).options(selectinload(Signoff.confirmed_by)))}
    quiz_of = {m.id: q for m, _, q in modules}
    rows = []
    for c in consultants:
        mrows, last = [], None
        for m, total, quiz in modules:
            read, seconds, seen = reads.get((c.id, m.id), (0, 0, None))
            last = max(filter(None, (last, seen)), default=None)
            res = results.get((c.id, quiz.id)) if quiz else None
            mrows.append(_module_row(m, read, total, seconds, quiz, res, extras, c.id, study))
        fact = facts.get(c.id)
        state = fact.status if fact else "not_started"
        # Only the qualified count as qualified: one who needs an update is listed with what is left.
        row = ConsultantRow(c, mrows, fact.qualified_at if state == "qualified" else None, last,
                            status=state, signoff=signoffs.get(c.id), certificate=certs.get(c.id, "none"))
        row.reasons = [] if row.qualified_at else _reasons(row, quiz_of, rechecks.get(c.id, []))
        rows.append(row)
    stations = list(session.scalars(select(PollingStation).where(PollingStation.team_id == team_id)
                                    .order_by(PollingStation.number)))
    coverage = _coverage(stations, rows)
    summary = Readiness(rows, len(rows), sum(1 for r in rows if r.qualified_at), len(stations),
                        sum(1 for c in coverage if c.covered), [m for m, _, _ in modules],
                        counts={s: sum(1 for r in rows if r.status == s) for s in STATUSES},
                        coverage=coverage, all_rows=rows)
    summary.rows = _sorted([r for r in rows if not status or r.status == status], sort)
    return summary


def _coverage(stations, rows) -> list[StationCover]:
    """Each station with its consultants; uncovered stations first."""
    by_station = {}
    for row in rows:
        by_station.setdefault(row.consultant.polling_station_id, []).append(row)
    cover = [StationCover(s, by_station.get(s.id, [])) for s in stations]
    return sorted(cover, key=lambda c: (c.covered, c.station.number))


def _sorted(rows, sort):
    keys = {
        "name": lambda r: r.consultant.full_name,
        "station": lambda r: (r.station_number is None, r.station_number or 0),
        "status": lambda r: list(STATUSES).index(r.status),
        "progress": lambda r: -sum(m.percent for m in r.modules),
        "score": lambda r: -max((m.best_score or 0) for m in r.modules) if r.modules else 0,
    }
    return sorted(rows, key=keys.get(sort, keys["name"]))

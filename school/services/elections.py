"""The election as data, set up by the center from the current official protocol form: the election, its
contests, the lines of each protocol and its control relations. A relation's formula is checked against the
contest's lines when it is saved; a line that a relation uses, or of a contest already entered, stays."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from ..models import Contest, ControlRelation, Election, ProtocolCopy, ProtocolLine
from ..models.election import MAX_PAGES, SECOND_ENTRY_MODES, SEVERITIES
from . import audit, formulas, voting_day


class ElectionError(ValueError):
    """A setting that cannot be saved; the message is for the center's staff."""


@dataclass(frozen=True)
class LineKind:
    """What a line's kind does in the tally."""

    label: str
    role: str
    one_per_contest: bool


LINE_KIND_REGISTRY = {
    "electorate": LineKind("избиратели в списке", "знаменатель явки", True),
    "voted": LineKind("получили бюллетени", "числитель явки", True),
    "choice": LineKind("голоса за партию или кандидата", "доля от суммы таких строк", False),
    "count": LineKind("другое число", "суммируется", False),
}


def current(session) -> Election | None:
    """The next election (today's included), else the latest past one."""
    rows = list(session.scalars(select(Election).order_by(Election.date, Election.id)))
    today = voting_day.today()
    upcoming = [e for e in rows if e.date >= today]
    return upcoming[0] if upcoming else (rows[-1] if rows else None)


def all_elections(session) -> list[Election]:
    return list(session.scalars(select(Election).order_by(Election.date.desc(), Election.id.desc())))


def election_date(session, default: str) -> str:
    """The voting date (ISO) for countdowns: the current election's once one exists, else the configured one."""
    election = current(session)
    return election.date.isoformat() if election else default


def _text(value: str, what: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ElectionError(f"Укажите {what}.")
    if len(value) > limit:
        raise ElectionError(f"{what.capitalize()}: не длиннее {limit} знаков.")
    return value


def _code(value: str) -> str:
    code = (value or "").strip()
    if not formulas.CODE_RE.match(code):
        raise ElectionError("Код: латинские строчные буквы, цифры и _, начинается с буквы, до 30 знаков "
                            "(например, voters, issued, party_a).")
    return code


def save_election(session, actor_id: int, election: Election | None, name: str, when: date,
                  second_entry: str) -> Election:
    if second_entry not in SECOND_ENTRY_MODES:
        raise ElectionError("Выберите, кто делает второй ввод.")
    if when is None:
        raise ElectionError("Укажите дату выборов.")
    created = election is None
    election = election or Election()
    election.name, election.date, election.second_entry = _text(name, "название", 300), when, second_entry
    session.add(election)
    session.flush()
    audit.record(session, actor_id, "election.create" if created else "election.update", election=election.id,
                 name=election.name, date=when.isoformat(), second_entry=second_entry)
    return election


def add_contest(session, actor_id: int, election: Election, code: str, title: str, pages: int) -> Contest:
    code = _code(code)
    if any(c.code == code for c in election.contests):
        raise ElectionError(f"Протокол с кодом «{code}» в этих выборах уже есть.")
    if not 1 <= (pages or 0) <= MAX_PAGES:
        raise ElectionError(f"Страниц в протоколе: от 1 до {MAX_PAGES}.")
    contest = Contest(election_id=election.id, code=code, title=_text(title, "название протокола", 300),
                      pages=pages, position=len(election.contests) + 1)
    election.contests.append(contest)
    session.flush()
    audit.record(session, actor_id, "contest.create", contest=contest.id, code=code, pages=pages)
    return contest


def _check_kind(contest: Contest, kind: str, line: ProtocolLine | None) -> None:
    entry = LINE_KIND_REGISTRY.get(kind)
    if entry is None:
        raise ElectionError("Выберите вид строки.")
    if entry.one_per_contest and any(x.kind == kind and x is not line for x in contest.lines):
        raise ElectionError(f"Строка вида «{entry.label}» в протоколе уже есть: она одна ({entry.role}).")


def save_line(session, actor_id: int, contest: Contest, line: ProtocolLine | None, code: str, number: str,
              title: str, kind: str) -> ProtocolLine:
    """Add a line, or change an existing one's number, wording and kind (its code stays: formulas use it)."""
    _check_kind(contest, kind, line)
    if line is None:
        code = _code(code)
        if any(x.code == code for x in contest.lines):
            raise ElectionError(f"Строка с кодом «{code}» уже есть.")
        line = ProtocolLine(contest_id=contest.id, code=code, position=len(contest.lines) + 1)
        contest.lines.append(line)
    line.number, line.title, line.kind = (number or "").strip()[:10], _text(title, "текст строки", 300), kind
    session.flush()
    audit.record(session, actor_id, "protocol_line.save", contest=contest.id, code=line.code, kind=kind)
    return line


def delete_line(session, actor_id: int, line: ProtocolLine) -> None:
    contest = line.contest
    users = [r.code for r in contest.relations if line.code in _names(r.formula)]
    if users:
        raise ElectionError(f"Строку «{line.code}» используют соотношения: {', '.join(users)}. Сначала измените их.")
    if session.scalar(select(exists().where(ProtocolCopy.contest_id == contest.id))):
        raise ElectionError("Протоколы этих выборов уже вводятся: строку удалить нельзя, можно изменить текст.")
    audit.record(session, actor_id, "protocol_line.delete", contest=contest.id, code=line.code)
    contest.lines.remove(line)
    session.delete(line)
    session.flush()


def _names(formula: str) -> frozenset[str]:
    try:
        return formulas.parse(formula).names
    except formulas.FormulaError:
        return frozenset()


def save_relation(session, actor_id: int, contest: Contest, relation: ControlRelation | None, code: str,
                  formula: str, message: str, severity: str, active: bool = True) -> ControlRelation:
    """Add or change a control relation; a formula naming an unknown line (or not a condition) is refused."""
    if severity not in SEVERITIES:
        raise ElectionError("Выберите серьёзность.")
    try:
        parsed = formulas.parse(formula, [x.code for x in contest.lines])
    except formulas.FormulaError as error:
        raise ElectionError(str(error)) from error
    if relation is None:
        code = _code(code)
        if any(r.code == code for r in contest.relations):
            raise ElectionError(f"Соотношение с кодом «{code}» уже есть.")
        relation = ControlRelation(contest_id=contest.id, code=code, position=len(contest.relations) + 1)
        contest.relations.append(relation)
    relation.formula, relation.severity, relation.active = parsed.text, severity, active
    relation.message = _text(message, "сообщение", 500)
    session.flush()
    audit.record(session, actor_id, "relation.save", contest=contest.id, code=relation.code,
                 formula=relation.formula, severity=severity, active=active)
    return relation


def compiled(contest: Contest) -> list[tuple[ControlRelation, formulas.Formula | None]]:
    """The active relations of a contest with their compiled formulas (None if a stored one no longer parses:
    then it reads as «missing», never as a flag)."""
    known = [x.code for x in contest.lines]
    result = []
    for relation in contest.relations:
        if not relation.active:
            continue
        try:
            result.append((relation, formulas.parse(relation.formula, known)))
        except formulas.FormulaError:
            result.append((relation, None))
    return result

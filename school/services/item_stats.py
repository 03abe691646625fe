"""Item analysis of a question bank for the center: which questions measure readiness and which do not.

For each active question, over the finished attempts that showed its *current* version (an edited
question starts afresh; attempts on earlier versions are only counted):
* attempts, share correct (full points) and mean points;
* discrimination: the Pearson correlation between the question's points and the mean points of the
  *other* questions of the same attempt (the corrected item-total, i.e. point-biserial for questions
  scored 0/1). Positive: those who know the rest get it right; negative: the question misleads the
  strong; None when it cannot be computed (fewer than two attempts, or no spread);
* how often each bank option was chosen, through the attempt snapshots (each choice keeps `src`,
  its place in the bank);
* flags, from MIN_ATTEMPTS attempts on: too easy, too hard, negative discrimination, an option
  nobody picks (a wrong one only once MIN_ATTEMPTS attempts got the question wrong).

Everything comes from three queries, however many attempts there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import StatisticsError, correlation

from sqlalchemy import select

from ..models import Attempt, AttemptQuestion, Question, Quiz

MIN_ATTEMPTS = 5
EASY, HARD = 0.95, 0.20
FULL = 1 - 1e-9  # points that count as correct (multiple and match give partial credit)
TRUEFALSE_SRC = {"true": 0, "false": 1}


@dataclass
class OptionStat:
    text: str
    correct: bool
    chosen: int = 0


@dataclass
class ItemStat:
    question: Question
    options: list[OptionStat]
    attempts: int = 0
    correct: int = 0
    points: float = 0.0
    earlier: int = 0  # attempts that showed an earlier version: not in the figures
    discrimination: float | None = None
    flags: list[str] = field(default_factory=list)
    pairs: list[tuple[float, float]] = field(default_factory=list, repr=False)

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def mean_points(self) -> float | None:
        return self.points / self.attempts if self.attempts else None


@dataclass
class BankStats:
    quiz: Quiz
    attempts: int
    items: list[ItemStat]

    @property
    def flagged(self) -> int:
        return sum(bool(i.flags) for i in self.items)


def _bank_options(question: Question) -> list[OptionStat]:
    """The options a consultant chooses among, in bank order (none for order, match and numeric)."""
    if question.type in ("single", "multiple"):
        return [OptionStat(o["text"], o["correct"]) for o in question.data["options"]]
    if question.type == "truefalse":
        return [OptionStat("Верно", question.data["answer"] is True),
                OptionStat("Неверно", question.data["answer"] is False)]
    return []


def _count_choices(item: ItemStat, snapshot: dict, answer) -> None:
    if not item.options or not isinstance(answer, list):
        return
    src = {c["id"]: c["src"] for c in snapshot.get("choices", [])}
    for choice_id in answer:
        place = src.get(choice_id)
        place = TRUEFALSE_SRC.get(place, place)
        if isinstance(place, int) and place < len(item.options):
            item.options[place].chosen += 1


def _flags(item: ItemStat) -> list[str]:
    if item.attempts < MIN_ATTEMPTS:
        return []
    flags = []
    if item.share_correct > EASY:
        flags.append(f"слишком лёгкий: верно больше {EASY:.0%}")
    if item.share_correct < HARD:
        flags.append(f"слишком трудный: верно меньше {HARD:.0%}")
    if item.discrimination is not None and item.discrimination < 0:
        flags.append("отрицательная различающая способность: сильные ошибаются чаще слабых")
    # A wrong option nobody picks says something only once enough people went wrong.
    wrong = item.attempts - item.correct
    flags += [f"вариант «{o.text}» никто не выбирает" for o in item.options
              if not o.chosen and (o.correct or wrong >= MIN_ATTEMPTS)]
    return flags


def _discrimination(pairs: list[tuple[float, float]]) -> float | None:
    if len(pairs) < 2:
        return None
    try:
        return correlation([p for p, _ in pairs], [r for _, r in pairs])
    except StatisticsError:  # everyone scored the same on this question or on the rest
        return None


def bank_stats(session, quiz: Quiz) -> BankStats:
    """Item analysis of every active question of `quiz` over its finished attempts."""
    questions = session.scalars(select(Question).filter_by(quiz_id=quiz.id, active=True).order_by(Question.position))
    items = {q.id: ItemStat(q, _bank_options(q)) for q in questions}
    rows = session.execute(
        select(AttemptQuestion.attempt_id, AttemptQuestion.question_id, AttemptQuestion.snapshot,
               AttemptQuestion.answer, AttemptQuestion.points)
        .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
        .where(Attempt.quiz_id == quiz.id, Attempt.status == "submitted")).all()
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for row in rows:
        totals[row.attempt_id][0] += row.points or 0.0
        totals[row.attempt_id][1] += 1
    for row in rows:
        item = items.get(row.question_id)
        if item is None:
            continue
        if row.snapshot.get("version") != item.question.version:
            item.earlier += 1
            continue
        points = row.points or 0.0
        item.attempts += 1
        item.points += points
        item.correct += points >= FULL
        total, count = totals[row.attempt_id]
        if count > 1:
            item.pairs.append((points, (total - points) / (count - 1)))
        _count_choices(item, row.snapshot, row.answer)
    for item in items.values():
        item.discrimination = _discrimination(item.pairs)
        item.flags = _flags(item)
    return BankStats(quiz, len(totals), list(items.values()))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def stats_table(stats: BankStats) -> list[list]:
    """Header and one row per question, for CSV (the CLI and the admin page's download share it)."""
    table = [["Ключ", "Тип", "Тема", "Вопрос", "Попыток", "Верно, %", "Средний балл", "Различающая способность",
              "Выбор вариантов", "Флаги", "Попыток на прежних версиях"]]
    for i in stats.items:
        q = i.question
        options = "; ".join(f"{'✓ ' if o.correct else ''}{o.text}: {o.chosen}" for o in i.options)
        table.append([q.key, q.type, q.topic, q.data["text"], i.attempts, _percent(i.share_correct),
                      _number(i.mean_points), _number(i.discrimination), options, "; ".join(i.flags), i.earlier])
    return table

"""Simulated finished attempts for the demo consultants, so that `make run` shows a meaningful item
analysis (/admin/quizzes/<slug>/stats) and a mix of qualified and not yet qualified people.

Attempts go through the real services (start, then submit a form built the way the page posts it),
dated over the past weeks. Answers follow a simple model: each consultant has an ability, each question
a difficulty and a discrimination (a few mislead the strong), and each wrong option its own appeal
(some almost never chosen). Deterministic (fixed seed). Runs once per quiz: a quiz that already has
attempts is left alone, and nothing happens outside the demo district.
"""

import math
import random
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..models import Attempt, District, Question, Quiz, Team, User
from ..models._types import utcnow
from . import answering
from .attempts import QuizRuleError, start_attempt
from .demo import DISTRICT
from .question_types import form_values

SEED = 13
TEAMS_TAKING = 10  # of the 15 demo teams: the rest have not started yet
PER_TEAM = 6  # of the 7 consultants of each of those teams


def _demo_consultants(session) -> list[User]:
    stmt = (select(User).join(Team, User.team_id == Team.id).join(District, Team.district_id == District.id)
            .where(District.name == DISTRICT, User.role == "consultant").order_by(User.id))
    return [u for u in session.scalars(stmt) if _taking(u.login)]


def _taking(login: str) -> bool:
    team, _, number = login.removeprefix("consultant").partition("-")
    return team.isdigit() and number.isdigit() and int(team) <= TEAMS_TAKING and int(number) <= PER_TEAM


class _Model:
    """Abilities, item parameters and option appeal, drawn once from the seed."""

    def __init__(self, rng: random.Random):
        self.rng, self.items, self.appeal = rng, {}, {}

    def item(self, key: str) -> tuple[float, float]:
        if key not in self.items:  # (discrimination, difficulty); about 1 in 20 misleads the strong
            slope = -1.5 if self.rng.random() < 0.05 else self.rng.uniform(1.5, 3.0)
            self.items[key] = (slope, self.rng.gauss(-0.6, 0.9))
        return self.items[key]

    def right(self, ability: float, key: str) -> bool:
        slope, difficulty = self.item(key)
        return self.rng.random() < 1 / (1 + math.exp(-slope * (ability - difficulty)))

    def wrong(self, snapshot: dict):
        correct = snapshot["correct"]
        if snapshot["type"] == "numeric":
            return correct + 1 + 2 * snapshot.get("tolerance", 0.0)
        if snapshot["type"] == "order":
            return list(reversed(correct))
        if snapshot["type"] == "match":
            keys = list(correct)
            return {k: correct[keys[(i + 1) % len(keys)]] for i, k in enumerate(keys)}
        others = [c for c in snapshot["choices"] if c["id"] not in correct]
        weights = [self.appeal.setdefault((snapshot["key"], str(c["src"])), self.rng.choice((0.02, 1.0, 3.0)))
                   for c in others]
        return [self.rng.choices(others, weights)[0]["id"]] if others else correct


def _form(attempt: Attempt, model: _Model, ability: float):
    form = MultiDict()
    for aq in attempt.questions:
        if model.rng.random() < 0.03:
            continue  # left unanswered
        answer = aq.snapshot["correct"] if model.right(ability, aq.snapshot["key"]) else model.wrong(aq.snapshot)
        for name, value in form_values(aq.position, aq.snapshot, answer).items(multi=True):
            form.add(name, value)
    return form


def simulate_attempts(session, now=None) -> int:
    """Finished attempts for the demo consultants on every required quiz that has none yet; how many."""
    now, rng = now or utcnow(), random.Random(SEED)  # noqa: S311  # nosec B311 (a simulation, not security)
    quizzes = [q for q in session.scalars(select(Quiz).filter_by(required=True).order_by(Quiz.slug))
               if session.scalar(select(Question.id).filter_by(quiz_id=q.id, active=True).limit(1))
               and session.scalar(select(Attempt.id).filter_by(quiz_id=q.id).limit(1)) is None]
    people = _demo_consultants(session) if quizzes else []
    abilities = {u.id: rng.gauss(0.3, 1.0) for u in people}
    made = 0
    for quiz in quizzes:
        model = _Model(rng)
        for user in people:
            started = now - timedelta(days=rng.randint(3, 30), minutes=rng.randint(0, 600))
            try:
                attempt = start_attempt(session, user.id, quiz, now=started, rng=rng)
            except QuizRuleError:
                continue
            finished = started + timedelta(minutes=rng.randint(8, max(9, quiz.time_limit_min or 40)))
            answering.submit_attempt(session, attempt, _form(attempt, model, abilities[user.id]), now=finished)
            made += 1
    return made

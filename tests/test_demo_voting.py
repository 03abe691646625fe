"""The demo voting day of `make run`: check-ins and incidents in several states, created once."""

from sqlalchemy import func, select

from config import BASE_DIR
from school.models import CheckIn, Incident, User
from school.services import incident_stats
from school.services.content import load_content, read_content
from school.services.demo import seed_demo
from school.services.demo_voting import seed_voting_day


def test_demo_day_has_incidents_for_the_desk(db):
    load_content(db.session, read_content(str(BASE_DIR / "courses"), str(BASE_DIR / "quizzes")))
    seed_demo(db.session)
    day = seed_voting_day(db.session)
    assert day is not None and day.rehearsal and seed_voting_day(db.session) is None
    consultants = db.session.scalar(select(func.count()).select_from(User).filter_by(role="consultant"))
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == consultants
    rows = list(db.session.scalars(select(Incident)))
    assert {r.status for r in rows} == {"new", "taken", "escalated", "resolved"} and len(rows) == 6
    assert {r.verdict for r in rows} == {None, "confirmed", "rejected"}
    admin = db.session.scalar(select(User).filter_by(login="admin"))
    assert incident_stats.totals(db.session, admin, day).total == 5  # the rejected one does not count
    coordinator = db.session.scalar(select(User).filter_by(login="coordinator1"))
    assert coordinator.phone.startswith("+7 701 555")

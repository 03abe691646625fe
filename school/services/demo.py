"""Demo data for `make run`: one Almaty district, 100 polling stations, 15 brigades, two trainers and their
seminars (services/demo_seminars.py)."""

import secrets

from sqlalchemy import select

from ..models import District, PollingStation, Team, User
from .accounts import hash_password
from .demo_seminars import seed_seminars

DISTRICT = "Ауэзовский район"
STATIONS, TEAMS, CONSULTANTS_PER_TEAM = 100, 15, 7
SURNAMES = ["Абенов", "Ахметова", "Байжанов", "Гусева", "Джаксыбекова", "Ермеков", "Жумабаева", "Иванов",
            "Кайратова", "Лим", "Мухамедиев", "Нурланова", "Оспанов", "Петрова", "Рахимов", "Сагинтаева",
            "Тулегенов", "Усенова", "Федоров", "Хасенова", "Цой", "Шарипов", "Есенова", "Юсупов"]
NAMES = ["Айгерим", "Асель", "Данияр", "Ерлан", "Жанна", "Алия", "Марат", "Светлана", "Тимур", "Дана"]


def _person(i: int) -> str:
    surname = SURNAMES[i % len(SURNAMES)]
    name = NAMES[(i // len(SURNAMES) + i) % len(NAMES)]
    return f"{surname} {name}"


def seed_demo(session) -> str | None:
    """Create the demo district once. Returns the shared demo password, or None if it already exists."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    password = secrets.token_urlsafe(9)
    pw_hash = hash_password(password)  # one hash for all demo accounts: seeding stays fast
    district = District(name=DISTRICT)
    teams = [Team(district=district, name=f"Бригада {n}") for n in range(1, TEAMS + 1)]
    stations = [PollingStation(district=district, number=200 + n, address=f"ул. Жандосова, {n}, школа-гимназия",
                               team=teams[(n - 1) * TEAMS // STATIONS]) for n in range(1, STATIONS + 1)]
    users = [User(login="admin", full_name="Администратор центра", role="admin", password_hash=pw_hash)]
    person = 0
    for t, team in enumerate(teams, start=1):
        users.append(User(login=f"coordinator{t}", full_name=_person(person), role="coordinator",
                          team=team, password_hash=pw_hash))
        person += 1
        own = [s for s in stations if s.team is team]
        for c in range(CONSULTANTS_PER_TEAM):
            users.append(User(login=f"consultant{t}-{c + 1}", full_name=_person(person), role="consultant",
                              team=team, polling_station=own[c % len(own)], password_hash=pw_hash))
            person += 1
    session.add_all([district, *teams, *stations, *users])
    session.commit()
    seed_seminars(session, pw_hash)
    return password

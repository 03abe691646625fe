"""Demo voting day for `make run`: a rehearsal dated the day of the first run, with check-ins and a few incidents
in several states, so the desk, the board and the center's figures are not empty. Created once, through the
same services the pages use; phones for the demo people (coordinators see their team's)."""

from datetime import timedelta

from sqlalchemy import select

from ..models import CheckIn, User, VotingDay
from ..models._types import utcnow
from . import checkins, desk, incidents, playbook, voting_day

# (brigade, consultant number, kind, minutes ago, description, what the desk did)
INCIDENTS = [
    (1, 1, "02-not-admitted", 95, "Охрана не пускает наблюдателя партии: «приходите к семи». Председатель не выходит.",
     "resolved"),
    (1, 2, "08-ballot-stuffing", 40, "Член комиссии опустил в урну № 1 пачку сложенных бюллетеней, около пяти.",
     "escalated"),
    (1, 3, "04-photo-video", 25, "Председатель требует удалить видео урны, грозит удалением.", "taken"),
    (2, 1, "07-carousel", 15, "Одни и те же пять человек второй раз в очереди, приехали на белом автобусе.", None),
    (2, 2, "other", 8, "В зале нет пандуса, пожилую избирательницу заносят на руках.", None),
    (3, 1, "08-ballot-stuffing", 30, "Избиратель опустил два бюллетеня — оказалось, по двум выборам сразу.",
     "rejected"),
]


def _phones(session) -> None:
    people = session.scalars(select(User).where(User.role.in_(("coordinator", "consultant")), User.phone == "")
                             .order_by(User.id))
    for n, user in enumerate(people, start=1):
        user.phone = f"+7 701 555 {n // 100:02d} {n % 100:02d}"


def _arrive(session, day, brigade: int, how_many: int, now) -> None:
    rows = session.scalars(select(CheckIn).join(User, CheckIn.consultant_id == User.id)
                           .where(CheckIn.voting_day_id == day.id, User.login.like(f"consultant{brigade}-%"))
                           .order_by(User.login)).all()
    for n, checkin in enumerate(rows[:how_many]):
        checkins.mark(session, checkin, "arrived", checkin.consultant_id, "web",
                      {"Партия «Пример»": 1, "НКО «Честный голос»": 1 + n % 2},
                      when=now - timedelta(hours=2, minutes=n))


def _incident(session, day, brigade, number, kind, minutes, text, outcome, now):
    consultant = session.scalar(select(User).filter_by(login=f"consultant{brigade}-{number}"))
    coordinator = session.scalar(select(User).filter_by(login=f"coordinator{brigade}"))
    if consultant is None or consultant.polling_station_id is None or kind not in playbook.incident_kinds(session):
        return
    report = incidents.Report(station_id=consultant.polling_station_id, kind=kind, description=text,
                              written_at=now - timedelta(minutes=minutes))
    row, _ = incidents.create(session, day, report, consultant_id=consultant.id, actor_id=consultant.id,
                              channel="web", photo_dir="")
    row.received_at = row.written_at + timedelta(minutes=1)
    if outcome in ("taken", "escalated", "resolved", "rejected"):
        desk.take(session, row, coordinator)
        desk.comment(session, row, coordinator, "Позвонила наблюдателю, он у председателя.")
    if outcome == "escalated":
        desk.set_status(session, row, coordinator, "escalated", "Нужен акт и жалоба в ТИК.")
    if outcome == "resolved":
        desk.set_verdict(session, row, coordinator, "confirmed")
        desk.set_status(session, row, coordinator, "resolved", "После звонка в ТИК наблюдателя зарегистрировали.")
    if outcome == "rejected":
        desk.set_verdict(session, row, coordinator, "rejected", "Два бюллетеня по двум выборам — не вброс.")
        desk.set_status(session, row, coordinator, "resolved")


def seed_voting_day(session) -> VotingDay | None:
    """Once, when the demo district exists and there is no voting day yet."""
    if session.scalar(select(VotingDay.id).limit(1)) or not session.scalar(
            select(User.id).filter_by(login="consultant1-1")):
        return None
    _phones(session)
    day = voting_day.create_day(session, None, voting_day.today(), "Репетиция дня голосования (демо)", rehearsal=True)
    now = utcnow()
    for brigade, count in ((1, 7), (2, 5), (3, 7)):
        _arrive(session, day, brigade, count, now)
    for item in INCIDENTS:
        _incident(session, day, *item, now)
    session.commit()
    return day

"""Seminar sessions and sign-up: scheduling in Almaty time, capacity, the waiting list, the cut-off,
one booking per module, coordinators signing their team up, the calendar file, and the audit of it all."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError

from school.models import AuditEntry, Booking, Module, SeminarSession, User
from school.models._types import utcnow
from school.services import bookings
from school.services.bookings import BookingError
from school.services.calendar import ALMATY

from .conftest import PASSWORD
from .seminar_helpers import post, seminar
from .test_qualification import _client


def _actions(db):
    return [a for (a,) in db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id))]


def test_admin_schedules_a_session_in_almaty_time_with_a_trainer_only(client, db, make, login_as):
    trainer, consultant = make.user("trainer", name="Тренерова Гульнара"), make.user("consultant")
    login_as("admin")
    module = db.session.scalar(select(Module).filter_by(slug="law"))
    form = {"module_id": module.id, "day": "2026-12-12", "start": "10:00", "minutes": 120, "place": "ул. Абая, 10",
            "room": "зал 3", "capacity": 20, "notes": "Возьмите паспорт", "trainer_id": consultant.id}
    assert post(client, "/admin/seminars/new", "/admin/seminars/new", **form).status_code == 400
    response = post(client, "/admin/seminars/new", "/admin/seminars/new", **{**form, "trainer_id": trainer.id})
    assert response.status_code == 302
    row = db.session.scalar(select(SeminarSession))
    assert row.starts_at == datetime(2026, 12, 12, 5, 0, tzinfo=UTC)  # Almaty is UTC+5
    assert row.ends_at - row.starts_at == timedelta(hours=2) and row.trainer_id == trainer.id
    assert "seminar.create" in _actions(db)
    page = client.get("/admin/seminars").get_data(as_text=True)
    assert "12.12.2026, 10:00–12:00" in page and "0 из 20 (0%)" in page


def test_capacity_then_a_waiting_list_that_moves_up_on_a_cancellation(db, make):
    s = seminar(db, make, capacity=2)
    first, second, third, fourth = (make.user() for _ in range(4))
    states = [bookings.sign_up(db.session, s, p, p).status for p in (first, second, third, fourth)]
    db.session.commit()
    assert states == ["booked", "booked", "waiting", "waiting"] and s.booked == 2
    mine = db.session.scalar(select(Booking).filter_by(user_id=first.id))
    promoted = bookings.cancel(db.session, mine, first, cutoff_hours=24)
    db.session.commit()
    assert promoted.user_id == third.id and promoted.status == "booked" and promoted.promoted_at is not None
    assert s.booked == 2 and mine.status == "cancelled" and mine.cancelled_by_id == first.id
    assert bookings.waiting_positions(db.session, [s.id]) == {
        db.session.scalar(select(Booking.id).filter_by(user_id=fourth.id)): 1}
    assert _actions(db) == ["booking.create", "booking.create", "booking.wait", "booking.wait", "booking.cancel",
                            "booking.promote"]
    assert db.session.scalar(select(Booking.id).filter_by(user_id=first.id)) is not None  # nothing deleted


def test_cancelling_a_seat_with_nobody_waiting_frees_it(db, make):
    s = seminar(db, make, capacity=1)
    person = make.user()
    booking = bookings.sign_up(db.session, s, person, person)
    bookings.cancel(db.session, booking, person, cutoff_hours=24)
    db.session.commit()
    assert s.booked == 0
    assert bookings.sign_up(db.session, s, person, person).status == "booked"  # may sign up again


def test_one_booking_per_module_and_the_database_holds_it(db, make):
    law, other_law, situations = seminar(db, make), seminar(db, make), seminar(db, make, module="situations")
    person = make.user()
    bookings.sign_up(db.session, law, person, person)
    db.session.commit()
    for again in (law, other_law):
        with pytest.raises(BookingError, match="Уже есть запись"):
            bookings.sign_up(db.session, again, person, person)
        db.session.rollback()
    assert bookings.sign_up(db.session, situations, person, person).status == "booked"
    db.session.commit()
    db.session.add(Booking(session_id=other_law.id, user_id=person.id, module_id=law.module_id, status="waiting"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_seat_counter_can_never_pass_capacity(db, make):
    s = seminar(db, make, capacity=1)
    with pytest.raises(IntegrityError):
        db.session.execute(update(SeminarSession).where(SeminarSession.id == s.id).values(booked=2))
        db.session.commit()
    db.session.rollback()


def test_cancel_until_the_cut_off_and_leave_the_waiting_list_until_the_start(db, make):
    soon, later = seminar(db, make, starts_in=timedelta(hours=23), capacity=1), seminar(
        db, make, module="situations", starts_in=timedelta(hours=25))
    person, waiting = make.user(), make.user()
    seat = bookings.sign_up(db.session, soon, person, person)
    queued = bookings.sign_up(db.session, soon, waiting, waiting)
    other = bookings.sign_up(db.session, later, person, person)
    db.session.commit()
    with pytest.raises(BookingError, match="не позже чем за 24 ч"):
        bookings.cancel(db.session, seat, person, cutoff_hours=24)
    db.session.rollback()
    assert bookings.cancel(db.session, seat, person, cutoff_hours=12) is queued  # a shorter cut-off allows it
    db.session.rollback()
    bookings.cancel(db.session, queued, waiting, cutoff_hours=24)  # a waiting place: until the start
    bookings.cancel(db.session, other, person, cutoff_hours=24)
    db.session.commit()
    assert {queued.status, other.status} == {"cancelled"}


def test_the_cut_off_is_configurable(app, client, db, make, login_as):
    s = seminar(db, make, starts_in=timedelta(hours=30))
    person = login_as("consultant")
    booking = bookings.sign_up(db.session, s, person, person)
    db.session.commit()
    app.config["SEMINAR_CANCEL_HOURS"] = 48
    try:
        post(client, f"/seminars/bookings/{booking.id}/cancel")
        db.session.refresh(booking)
        assert booking.status == "booked"
    finally:
        app.config["SEMINAR_CANCEL_HOURS"] = 24
    post(client, f"/seminars/bookings/{booking.id}/cancel")
    db.session.refresh(booking)
    assert booking.status == "cancelled"


def test_a_no_show_may_sign_up_again_and_the_old_booking_lapses(db, make):
    past, next_one = seminar(db, make, starts_in=timedelta(days=-2)), seminar(db, make)
    person = make.user()
    db.session.add(Booking(session_id=past.id, user_id=person.id, module_id=past.module_id, status="booked",
                           attendance="absent"))
    db.session.commit()
    assert bookings.sign_up(db.session, next_one, person, person).status == "booked"
    db.session.commit()
    old = db.session.scalar(select(Booking).filter_by(session_id=past.id))
    assert old.status == "lapsed" and "booking.lapse" in _actions(db)
    old.attendance = "present"
    db.session.commit()
    with pytest.raises(BookingError, match="уже посещён"):
        bookings.sign_up(db.session, seminar(db, make), person, person)


def test_no_sign_up_once_started_and_only_consultants(db, make):
    started = seminar(db, make, starts_in=timedelta(minutes=-5))
    with pytest.raises(BookingError, match="уже начался"):
        bookings.sign_up(db.session, started, make.user(), make.user())
    coordinator = make.user("coordinator", team=make.team())
    with pytest.raises(BookingError, match="только консультанта"):
        bookings.sign_up(db.session, seminar(db, make), coordinator, coordinator)


def test_consultant_signs_up_on_the_page_and_sees_it_on_the_dashboard(client, db, make, login_as):
    s = seminar(db, make, capacity=1)
    person = login_as("consultant")
    page = client.get("/seminars").get_data(as_text=True)
    assert "свободно 1 из 1" in page and "Записаться" in page
    response = post(client, f"/seminars/{s.id}/signup")
    assert response.status_code == 302
    assert "есть место:" in client.get("/seminars").get_data(as_text=True)
    assert "Семинар: <a" in client.get("/dashboard").get_data(as_text=True)
    assert db.session.scalar(select(Booking.status).filter_by(user_id=person.id)) == "booked"


def test_a_promotion_shows_on_the_dashboard_and_the_team_page(client, db, make, login_as):
    team = make.team()
    s = seminar(db, make, capacity=1)
    first, waiting = make.user(team=team), make.user(team=team)
    seat = bookings.sign_up(db.session, s, first, first)
    bookings.sign_up(db.session, s, waiting, waiting)
    bookings.cancel(db.session, seat, first, 24)
    db.session.commit()
    login_as(waiting)
    assert "Место на семинаре освободилось" in client.get("/dashboard").get_data(as_text=True)
    coordinator = make.user("coordinator", team=team)
    page = _client(client.application, coordinator).get(f"/teams/{team.id}").get_data(as_text=True)
    assert "из листа ожидания" in page


def test_coordinator_signs_up_and_cancels_for_their_own_team_only(client, db, make, login_as):
    team, other_team = make.team(), make.team()
    s, full = seminar(db, make, capacity=5), seminar(db, make, module="situations", capacity=1)
    member, stranger, taken = make.user(team=team), make.user(team=other_team), make.user(team=other_team)
    bookings.sign_up(db.session, full, taken, taken)
    db.session.commit()
    coordinator = login_as("coordinator", team=team)
    page = f"/teams/{team.id}/seminars"
    assert post(client, f"{page}/signup", page, consultant_id=member.id, seminar_id=s.id).status_code == 302
    post(client, f"{page}/signup", page, consultant_id=member.id, seminar_id=full.id)
    assert post(client, f"{page}/signup", page, consultant_id=stranger.id, seminar_id=s.id).status_code == 404
    rows = {b.module_id: b for b in db.session.scalars(select(Booking).filter_by(user_id=member.id))}
    assert rows[s.module_id].status == "booked" and rows[s.module_id].created_by_id == coordinator.id
    assert rows[full.module_id].status == "waiting"
    html = client.get(page).get_data(as_text=True)
    assert "есть место:" in html and "лист ожидания, № 1" in html
    assert client.get(f"/teams/{other_team.id}/seminars").status_code == 404
    theirs = db.session.scalar(select(Booking).filter_by(user_id=taken.id))
    assert post(client, f"/teams/{team.id}/seminars/bookings/{theirs.id}/cancel", page).status_code == 404
    assert post(client, f"{page}/bookings/{rows[s.module_id].id}/cancel", page).status_code == 302
    db.session.refresh(rows[s.module_id])
    assert rows[s.module_id].status == "cancelled" and rows[s.module_id].cancelled_by_id == coordinator.id


def test_team_page_says_who_has_a_place_who_attended_who_has_none(client, db, make, login_as):
    team = make.team()
    coming, past = seminar(db, make), seminar(db, make, module="situations", starts_in=timedelta(days=-3))
    placed, attended, nobody = (make.user(team=team, name=n) for n in ("Аб Место", "Бв Был", "Вг Никуда"))
    bookings.sign_up(db.session, coming, placed, placed)
    db.session.add(Booking(session_id=past.id, user_id=attended.id, module_id=past.module_id, status="booked",
                           attendance="present"))
    db.session.commit()
    login_as("coordinator", team=team)
    html = client.get(f"/teams/{team.id}/seminars").get_data(as_text=True)
    assert "есть место:" in html and "посетил(а) семинар" in html and html.count("нет записи") >= 3


def test_a_calendar_file_for_each_booking(client, db, make, login_as):
    s = seminar(db, make, capacity=1)
    person, other = login_as("consultant"), make.user()
    mine = bookings.sign_up(db.session, s, person, person)
    theirs = bookings.sign_up(db.session, seminar(db, make), other, other)
    db.session.commit()
    response = client.get(f"/seminars/bookings/{mine.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == s.starts_at.replace(microsecond=0)
    assert str(event["location"]) == "ул. Абая, 10, зал 3"
    assert "Семинар: " in str(event["summary"]) and "Тренер:" in str(event["description"])
    assert client.get(f"/seminars/bookings/{theirs.id}.ics").status_code == 404


def test_more_seats_move_the_waiting_list_up_fewer_than_taken_are_refused(client, db, make, login_as):
    s = seminar(db, make, capacity=1)
    for _ in range(3):
        person = make.user()
        bookings.sign_up(db.session, s, person, person)
    db.session.commit()
    login_as("admin")
    local = s.starts_at.astimezone(ALMATY)
    form = {"module_id": s.module_id, "day": local.date().isoformat(), "start": local.strftime("%H:%M"),
            "minutes": 120, "place": s.place, "room": s.room, "trainer_id": s.trainer_id, "notes": ""}
    url = f"/admin/seminars/{s.id}/edit"
    assert post(client, url, url, **form, capacity=2).status_code == 302
    db.session.expire_all()
    assert [b.status for b in db.session.scalars(select(Booking).order_by(Booking.id))] == [
        "booked", "booked", "waiting"] and s.booked == 2
    response = post(client, url, url, **form, capacity=1)
    assert response.status_code == 400 and "Уже занято мест: 2" in response.get_data(as_text=True)


def test_sqlite_partial_index_sql_is_the_same_as_postgresql(db):
    """The one-active-booking index is partial on both engines (a cancelled booking does not count)."""
    sql = db.session.execute(text("SELECT sql FROM sqlite_master WHERE name = 'uq_booking_active'")).scalar() \
        if db.engine.dialect.name == "sqlite" else "WHERE status IN ('booked', 'waiting')"
    assert "status IN ('booked', 'waiting')" in sql


def test_sign_up_time_is_when_it_happened(db, make):
    s = seminar(db, make)
    person = make.user()
    before = utcnow()
    booking = bookings.sign_up(db.session, s, person, person)
    assert booking.created_at >= before and booking.seated_at == booking.created_at


def test_the_admin_form_makes_a_trainer_who_lands_on_their_seminars(app, client, db, login_as):
    login_as("admin")
    data = {"login": "new.trainer", "full_name": "Новая Тренерова", "role": "trainer", "team_id": 0,
            "polling_station_id": 0, "password": PASSWORD, "active": "y"}
    assert post(client, "/admin/users/new", "/admin/users/new", **data).status_code == 302
    trainer = db.session.scalar(select(User).filter_by(login="new.trainer"))
    assert (trainer.role, trainer.team_id) == ("trainer", None)
    home = _client(app, trainer).get("/")
    assert home.headers["Location"].endswith("/trainer")

"""Attendance: the trainer marks only their own sessions from the phone list, consultants check in with a
code valid only during the session, changing every minute and good once, the trainer sees self-marks and
undoes any, the paper sheet is entered afterwards with who entered it, and every mark is audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from school.models import AuditEntry, Booking
from school.models._types import utcnow
from school.services import attendance, bookings
from school.services.attendance import MAX_CODE_FAILURES, AttendanceError, CodeError, code_at
from school.services.seats import seats

from .conftest import csrf_from
from .seminar_helpers import post, seminar
from .test_qualification import _client


def _seat(db, make, s, **kwargs):
    person = make.user(**kwargs)
    booking = Booking(session_id=s.id, user_id=person.id, module_id=s.module_id, status="booked")
    db.session.add(booking)
    db.session.commit()
    return booking


def test_the_trainer_marks_their_own_session_from_the_list(client, db, make, login_as):
    trainer = login_as("trainer")
    s, other = seminar(db, make, trainer=trainer, starts_in=timedelta(minutes=-10)), seminar(
        db, make, starts_in=timedelta(minutes=-10))
    booking, theirs = _seat(db, make, s, name="Абенова Айгерим"), _seat(db, make, other)
    page = client.get(f"/trainer/sessions/{s.id}")
    assert page.status_code == 200 and "Абенова Айгерим" in page.get_data(as_text=True)
    url = f"/trainer/sessions/{s.id}/bookings/{booking.id}/mark"
    for value in ("present", "late", "absent"):
        assert post(client, url, value=value).status_code == 302
        db.session.refresh(booking)
        assert booking.attendance == value and booking.mark_source == "trainer" and booking.marked_by_id == trainer.id
    assert db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "attendance.mark")
                             .order_by(AuditEntry.id.desc()).limit(1))["previous"] == "late"
    assert client.get(f"/trainer/sessions/{other.id}").status_code == 404
    assert post(client, f"/trainer/sessions/{other.id}/bookings/{theirs.id}/mark", value="present").status_code == 404
    assert post(client, f"/trainer/sessions/{s.id}/bookings/{theirs.id}/mark", value="present").status_code == 404
    assert post(client, url, value="asleep").status_code == 400
    assert f"/trainer/sessions/{other.id}" not in client.get("/trainer").get_data(as_text=True)


def test_no_mark_before_the_session_starts(db, make):
    s = seminar(db, make, starts_in=timedelta(hours=1))
    booking = _seat(db, make, s)
    with pytest.raises(AttendanceError, match="ещё не начался"):
        attendance.mark(db.session, booking, "present", s.trainer)


def test_a_waiting_place_cannot_be_marked(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-5))
    booking = _seat(db, make, s)
    booking.status = "waiting"
    with pytest.raises(AttendanceError, match="нет места"):
        attendance.mark(db.session, booking, "present", s.trainer)


def test_the_code_changes_every_minute_and_works_only_during_the_session(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-30))
    now = utcnow()
    assert attendance.current_code(s, now).value == code_at(s, now)
    codes = {code_at(s, now + timedelta(minutes=i)) for i in range(30)}
    assert len(codes) > 20 and all(len(c) == 4 and c.isdigit() for c in codes)
    assert attendance.current_code(s, s.starts_at - timedelta(seconds=1)) is None
    assert attendance.current_code(s, s.ends_at) is None
    booking = _seat(db, make, s)
    with pytest.raises(AttendanceError, match="только во время семинара"):
        attendance.check_in(db.session, booking, code_at(s, s.ends_at), s.ends_at)


def test_a_code_from_two_minutes_ago_is_refused_the_last_minutes_is_accepted(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-30))
    late, fresh = _seat(db, make, s), _seat(db, make, s)
    now = utcnow()
    old = code_at(s, now - timedelta(minutes=2))
    if old not in {code_at(s, now), code_at(s, now - timedelta(minutes=1))}:  # 1 in 10 000 they coincide
        with pytest.raises(CodeError):
            attendance.check_in(db.session, late, old, now)
        db.session.commit()
        assert late.code_failures == 1 and late.attendance is None
    attendance.check_in(db.session, fresh, code_at(s, now - timedelta(minutes=1)), now)
    db.session.commit()
    assert fresh.attendance == "present" and fresh.mark_source == "self" and fresh.marked_by_id == fresh.user_id


def test_self_check_in_is_good_once_and_the_trainer_sees_and_undoes_it(app, client, db, make, login_as):
    trainer = make.user("trainer")
    s = seminar(db, make, trainer=trainer, starts_in=timedelta(minutes=-10))
    person = login_as("consultant")
    booking = Booking(session_id=s.id, user_id=person.id, module_id=s.module_id, status="booked")
    db.session.add(booking)
    db.session.commit()
    assert "Код с экрана тренера" in client.get("/seminars").get_data(as_text=True)
    assert "отметьтесь кодом" in client.get("/dashboard").get_data(as_text=True)
    post(client, f"/seminars/bookings/{booking.id}/checkin", "/seminars", code=code_at(s, utcnow()))
    db.session.refresh(booking)
    assert booking.attendance == "present" and booking.self_marked_at is not None
    as_trainer = _client(app, trainer)
    assert "сам(а), по коду" in as_trainer.get(f"/trainer/sessions/{s.id}").get_data(as_text=True)
    live = as_trainer.get(f"/trainer/sessions/{s.id}/live.json").get_json()
    assert live["code"] == code_at(s, utcnow()) and live["marks"][str(booking.id)]["source"] == "сам(а), по коду"
    token = csrf_from(as_trainer.get(f"/trainer/sessions/{s.id}"))
    as_trainer.post(f"/trainer/sessions/{s.id}/bookings/{booking.id}/undo", data={"csrf_token": token})
    db.session.refresh(booking)
    assert booking.attendance is None and booking.marked_by_id == trainer.id
    response = post(client, f"/seminars/bookings/{booking.id}/checkin", "/seminars", code=code_at(s, utcnow()))
    db.session.refresh(booking)
    assert booking.attendance is None  # once per booking: the trainer's undo stands
    assert "уже отмечены" in client.get(response.headers["Location"]).get_data(as_text=True)
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["attendance.self", "attendance.undo"]


def test_wrong_codes_are_counted_and_lock_self_check_in(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-10))
    booking = _seat(db, make, s)
    right = code_at(s, utcnow())
    wrong = f"{(int(right) + 5000) % 10000:04d}"
    for _ in range(MAX_CODE_FAILURES):
        with pytest.raises(CodeError):
            attendance.check_in(db.session, booking, wrong)
        db.session.commit()
    with pytest.raises(AttendanceError, match="Слишком много неверных кодов"):
        attendance.check_in(db.session, booking, right)


def test_only_a_seat_checks_in(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-10))
    booking = _seat(db, make, s)
    booking.status = "waiting"
    with pytest.raises(AttendanceError, match="только с местом"):
        attendance.check_in(db.session, booking, code_at(s, utcnow()))


def test_the_sign_in_sheet_has_25_names_a_page_and_is_entered_afterwards_with_who(app, client, db, make, login_as):
    trainer = make.user("trainer")
    s = seminar(db, make, trainer=trainer, starts_in=timedelta(hours=-3), capacity=30)
    seats = [_seat(db, make, s) for _ in range(30)]
    admin = login_as("admin")
    sheet = client.get(f"/trainer/sessions/{s.id}/sheet").get_data(as_text=True)
    assert sheet.count('class="print-sheet sign-in-sheet"') == 2 and "лист 2 из 2" in sheet
    assert sheet.count('<td class="signature">') == 30 and "<td>26</td>" in sheet
    values = {f"a-{b.id}": v for b, v in zip(seats, ["present"] * 25 + ["absent"] * 3 + [""] * 2, strict=True)}
    assert post(client, f"/trainer/sessions/{s.id}/enter", f"/trainer/sessions/{s.id}/enter",
                **values).status_code == 302
    db.session.expire_all()
    marked = list(db.session.scalars(select(Booking).order_by(Booking.id)))
    assert [b.attendance for b in marked].count("present") == 25 and marked[-1].attendance is None
    assert {(b.mark_source, b.marked_by_id) for b in marked[:28]} == {("sheet", admin.id)}
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "attendance.sheet").limit(1))
    page = _client(app, trainer).get(f"/trainer/sessions/{s.id}").get_data(as_text=True)
    assert f"с листа: внёс(ла) {admin.full_name}" in page
    assert post(client, f"/trainer/sessions/{s.id}/enter", f"/trainer/sessions/{s.id}/enter",
                **{f"a-{seats[0].id}": "maybe"}).status_code == 400


def test_bookings_service_marks_attended_in_the_standing(db, make):
    s = seminar(db, make, starts_in=timedelta(minutes=-10))
    person = make.user()
    booking = Booking(session_id=s.id, user_id=person.id, module_id=s.module_id, status="booked")
    db.session.add(booking)
    db.session.commit()
    attendance.mark(db.session, booking, "late", s.trainer)
    db.session.commit()
    seat = seats(db.session, [person.id])[(person.id, s.module_id)]
    assert seat.state == "attended" and seat.label.startswith("посетил(а) семинар ")
    assert bookings.may_cancel(booking, 24) is False


def test_a_lapsed_seat_stays_on_its_sheet_and_takes_a_late_entry(db, make):
    past = seminar(db, make, starts_in=timedelta(days=-2))
    booking = _seat(db, make, past)
    bookings.sign_up(db.session, seminar(db, make), booking.user, booking.user)  # absent: signs up again
    db.session.commit()
    assert booking.status == "lapsed"
    attendance.enter_sheet(db.session, past, {booking.id: "present"}, past.trainer)
    db.session.commit()
    assert booking.attendance == "present" and booking.mark_source == "sheet"
    assert [b.id for b in bookings.of_session(db.session, past.id, ("booked", "lapsed"))] == [booking.id]

"""The last seat under real concurrency: threads against a scratch PostgreSQL database of their own."""

import secrets
import threading
import uuid
from datetime import timedelta

from sqlalchemy import func, select

from school.extensions import db
from school.models import AuditEntry, Booking, Module, SeminarSession, User
from school.models._types import utcnow
from school.services import bookings
from school.services.bookings import BookingError

from . import test_concurrency

THREADS = 8


pg_app = test_concurrency.pg_app  # a scratch PostgreSQL database of this module's own


def _user(role="consultant") -> User:
    user = User(login=f"u{uuid.uuid4().hex[:10]}", full_name="Параллельный", role=role, password_hash="x")
    db.session.add(user)
    db.session.flush()
    return user


def _session(capacity: int) -> int:
    starts = utcnow() + timedelta(days=2)
    s = SeminarSession(module_id=db.session.scalar(select(Module.id).filter_by(slug="law")), starts_at=starts,
                       ends_at=starts + timedelta(hours=2), place="ул. Абая", room="зал 3",
                       trainer_id=_user("trainer").id, capacity=capacity, code_secret=secrets.token_hex(8))
    db.session.add(s)
    db.session.commit()
    return s.id


def _together(app, work):
    """work(i) in THREADS threads released at once; their results or exceptions."""
    barrier, results = threading.Barrier(THREADS), [None] * THREADS

    def run(i):
        with app.app_context():
            try:
                barrier.wait()
                results[i] = work(i)
                db.session.commit()
            except Exception as exc:  # collected and asserted on by the test
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_the_last_seat_goes_to_exactly_one_of_simultaneous_sign_ups(pg_app):
    with pg_app.app_context():
        seminar_id = _session(capacity=3)
        early = [_user() for _ in range(2)]
        seminar = db.session.get(SeminarSession, seminar_id)
        for person in early:
            bookings.sign_up(db.session, seminar, person, person)
        people = [_user().id for _ in range(THREADS)]
        db.session.commit()

    def sign_up(i):
        person = db.session.get(User, people[i])
        return bookings.sign_up(db.session, db.session.get(SeminarSession, seminar_id), person, person).status

    results = _together(pg_app, sign_up)
    assert sorted(results) == ["booked"] + ["waiting"] * (THREADS - 1), results
    with pg_app.app_context():
        assert db.session.get(SeminarSession, seminar_id).booked == 3
        counts = dict(db.session.execute(select(Booking.status, func.count()).filter_by(session_id=seminar_id)
                                         .group_by(Booking.status)).all())
        assert counts == {"booked": 3, "waiting": THREADS - 1}
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action.in_(("booking.create", "booking.wait")))) >= THREADS + 2


def test_a_double_click_books_once(pg_app):
    with pg_app.app_context():
        seminar_id = _session(capacity=THREADS)
        person_id = _user().id
        db.session.commit()

    def sign_up(_):
        person = db.session.get(User, person_id)
        return bookings.sign_up(db.session, db.session.get(SeminarSession, seminar_id), person, person).status

    results = _together(pg_app, sign_up)
    assert results.count("booked") == 1 and all(isinstance(r, BookingError) for r in results if r != "booked")
    with pg_app.app_context():
        assert db.session.get(SeminarSession, seminar_id).booked == 1


def test_cancellations_and_sign_ups_at_once_keep_the_counter_true(pg_app):
    """Half the seats are cancelled while others sign up: no seat lost, none sold twice, nobody left waiting
    while a seat is free."""
    with pg_app.app_context():
        seminar_id = _session(capacity=THREADS // 2)
        seminar = db.session.get(SeminarSession, seminar_id)
        seated = [bookings.sign_up(db.session, seminar, p, p).id for p in [_user() for _ in range(THREADS // 2)]]
        newcomers = [_user().id for _ in range(THREADS // 2)]
        db.session.commit()

    def work(i):
        if i < THREADS // 2:
            booking = db.session.get(Booking, seated[i])
            return bookings.cancel(db.session, booking, booking.user, cutoff_hours=24)
        person = db.session.get(User, newcomers[i - THREADS // 2])
        return bookings.sign_up(db.session, db.session.get(SeminarSession, seminar_id), person, person).status

    results = _together(pg_app, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    with pg_app.app_context():
        seminar = db.session.get(SeminarSession, seminar_id)
        active = db.session.scalar(select(func.count()).select_from(Booking)
                                   .filter_by(session_id=seminar_id, status="booked"))
        waiting = db.session.scalar(select(func.count()).select_from(Booking)
                                    .filter_by(session_id=seminar_id, status="waiting"))
        assert seminar.booked == active == THREADS // 2 and waiting == 0

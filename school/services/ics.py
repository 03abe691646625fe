"""A calendar file (.ics) for a seminar booking, written by the `icalendar` library in Almaty time."""

from icalendar import Calendar, Event

from ..models import Booking
from ..models._types import utcnow
from .calendar import ALMATY
from .seminars import where


def booking_ics(booking: Booking) -> bytes:
    """One event: the module's seminar, its place and room, the trainer and the notes."""
    seminar = booking.seminar
    calendar = Calendar()
    calendar.add("prodid", "-//Школа наблюдателя//Семинары//RU")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"booking-{booking.id}@observer-school")
    event.add("dtstamp", utcnow())
    event.add("dtstart", seminar.starts_at.astimezone(ALMATY))
    event.add("dtend", seminar.ends_at.astimezone(ALMATY))
    event.add("summary", f"Семинар: {seminar.module.title}")
    event.add("location", where(seminar))
    notes = [f"Тренер: {seminar.trainer.full_name}", seminar.notes]
    event.add("description", "\n".join(n for n in notes if n))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""Contacts an observer needs on the day, kept as data that the center edits (never typed into a page).

A page shows, for its reader, the center's hotline, the city commission and the commission of the
reader's district, then any other contacts of the city or that district. A contact that is missing
(or has no phone yet) is shown as «не указан», never as an invented number.
"""

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..models import CONTACT_KINDS, Contact, District
from . import audit

ALWAYS_SHOWN = ("hotline", "city_commission", "district_commission")
CITY_WIDE = ("hotline", "city_commission")


class ContactError(ValueError):
    """A contact that breaks a rule; the message is shown under the form."""


@dataclass
class ContactLine:
    label: str
    contact: Contact | None  # None: nobody entered it yet («не указан»)


def district_of(user) -> int | None:
    """The district whose commission a user calls: their polling station's, else their team's."""
    if user.polling_station is not None:
        return user.polling_station.district_id
    return user.team.district_id if user.team is not None else None


def contacts_for(session, district_id: int | None) -> list[ContactLine]:
    """The hotline, the city and district commissions (one line each even when missing), then the others."""
    stmt = (select(Contact).where(or_(Contact.district_id.is_(None), Contact.district_id == district_id))
            .order_by(Contact.position, Contact.id))
    rows = list(session.scalars(stmt))
    lines = []
    for kind in ALWAYS_SHOWN:
        found = [c for c in rows if c.kind == kind] or [None]
        lines += [ContactLine(CONTACT_KINDS[kind], c) for c in found]
    return lines + [ContactLine(c.name, c) for c in rows if c.kind == "other"]


def all_contacts(session) -> list[Contact]:
    stmt = select(Contact).options(selectinload(Contact.district)).order_by(Contact.kind, Contact.position, Contact.id)
    return list(session.scalars(stmt))


def _check(kind: str, district: District | None) -> None:
    if kind not in CONTACT_KINDS:
        raise ContactError("Неизвестный вид контакта.")
    if kind == "district_commission" and district is None:
        raise ContactError("Укажите район комиссии.")
    if kind in CITY_WIDE and district is not None:
        raise ContactError("Горячая линия и городская комиссия — для всего города: район не указывается.")


def save_contact(session, contact: Contact | None, actor_id: int, *, kind: str, district: District | None,
                 name: str, phone: str = "", note: str = "", position: int = 0) -> Contact:
    """Create (contact None) or change a contact, with its audit entry in the same transaction."""
    _check(kind, district)
    action = "contact.create" if contact is None else "contact.update"
    if contact is None:
        contact = Contact()
        session.add(contact)
    contact.kind, contact.district, contact.name = kind, district, name.strip()
    contact.phone, contact.note, contact.position = phone.strip(), note.strip(), position
    session.flush()
    audit.record(session, actor_id, action, contact=contact.id, kind=kind, name=contact.name, phone=contact.phone,
                 district=district.name if district else None)
    return contact


def delete_contact(session, contact: Contact, actor_id: int) -> None:
    audit.record(session, actor_id, "contact.delete", contact=contact.id, kind=contact.kind, name=contact.name,
                 phone=contact.phone)
    session.delete(contact)

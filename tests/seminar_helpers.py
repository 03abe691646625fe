"""Builders for the seminar tests: a session of a module at a time relative to now, and posting forms."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from school.models import Module, SeminarSession
from school.models._types import utcnow

from .conftest import csrf_from


def seminar(db, make, module="law", starts_in=timedelta(days=3), capacity=2, trainer=None, minutes=120,
            room="зал 3"):
    """A session of `module` starting `starts_in` from now (negative: already started)."""
    trainer = trainer or make.user("trainer")
    module_id = db.session.scalar(select(Module.id).filter_by(slug=module))
    starts = utcnow() + starts_in
    row = SeminarSession(module_id=module_id, starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
                         place="ул. Абая, 10", room=room, trainer_id=trainer.id, capacity=capacity,
                         code_secret=secrets.token_hex(16), notes="")
    db.session.add(row)
    db.session.commit()
    return row


def post(client, url, form_page="/account/password", **data):
    """POST with a CSRF token taken from a page the user may open."""
    token = csrf_from(client.get(form_page))
    return client.post(url, data={"csrf_token": token, **data})

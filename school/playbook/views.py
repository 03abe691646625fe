"""Playbook pages: the situations with search, one page per situation with its templates, the contacts."""

from flask import abort, render_template, request
from flask_login import current_user, login_required

from ..extensions import db
from ..services import contacts, playbook
from ..services.memo_templates import pieces
from . import bp

MAX_QUERY = 200


@bp.get("/playbook")
@login_required
def index():
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    rows = playbook.situations(db.session)
    found = playbook.search(db.session, query) if query else None
    return render_template("playbook/index.html", situations=rows, query=query, found=found,
                           index=playbook.offline_index(rows))


@bp.get("/playbook/<slug>")
@login_required
def situation(slug):
    row = playbook.situation_or_none(db.session, slug)
    if row is None:
        abort(404)
    return render_template("playbook/situation.html", situation=row,
                           templates=playbook.templates_for(db.session, row), pieces=pieces)


@bp.get("/playbook/templates")
@login_required
def templates():
    return render_template("playbook/templates.html", templates=playbook.all_templates(db.session), pieces=pieces)


@bp.get("/playbook/contacts")
@login_required
def contact_list():
    lines = contacts.contacts_for(db.session, contacts.district_of(current_user))
    return render_template("playbook/contacts.html", contacts=lines)

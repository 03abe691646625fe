from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Memo, Module, Section
from ..services import contacts, progress
from ..services.dashboard import consultant_dashboard, standing
from . import bp

HOME = {"consultant": "learn.dashboard", "coordinator": "readiness.my_team", "admin": "admin.index",
        "trainer": "seminars.trainer_home"}


@bp.get("/")
@login_required
def home():
    return redirect(url_for(HOME[current_user.role]))


@bp.get("/dashboard")
@role_required("consultant")
def dashboard():
    cards, qualified_at = consultant_dashboard(db.session, current_user.id)
    return render_template("learn/dashboard.html", cards=cards, qualified_at=qualified_at,
                           standing=standing(db.session, current_user.id))


def _module_or_404(slug: str) -> Module:
    return db.first_or_404(select(Module).filter_by(slug=slug))


@bp.get("/modules/<slug>")
@login_required
def module(slug):
    mod = _module_or_404(slug)
    resume = progress.resume_section(db.session, current_user.id, mod)
    done = progress.completed_section_ids(db.session, current_user.id, mod.id)
    return render_template("learn/module.html", module=mod, resume=resume, done=done)


def _section_or_404(mod: Module, section_slug: str) -> Section:
    section = next((s for s in mod.sections if s.slug == section_slug), None)
    if section is None:
        abort(404)
    return section


@bp.get("/modules/<slug>/<section_slug>")
@login_required
def section(slug, section_slug):
    mod = _module_or_404(slug)
    sec = _section_or_404(mod, section_slug)
    if current_user.role == "consultant":
        progress.open_section(db.session, current_user.id, sec)
        db.session.commit()
    index = mod.sections.index(sec)
    prev = mod.sections[index - 1] if index else None
    nxt = mod.sections[index + 1] if index + 1 < len(mod.sections) else None
    return render_template("learn/section.html", module=mod, section=sec, prev=prev, next=nxt,
                           index=index, form=EmptyForm())


@bp.post("/modules/<slug>/<section_slug>/done")
@role_required("consultant")
def complete(slug, section_slug):
    mod = _module_or_404(slug)
    sec = _section_or_404(mod, section_slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    progress.complete_section(db.session, current_user.id, sec)
    db.session.commit()
    index = mod.sections.index(sec)
    if index + 1 < len(mod.sections):
        return redirect(url_for("learn.section", slug=slug, section_slug=mod.sections[index + 1].slug))
    return redirect(url_for("learn.module", slug=slug))


@bp.get("/memos")
@login_required
def memos():
    return render_template("learn/memos.html", memos=db.session.scalars(select(Memo).order_by(Memo.position)))


@bp.get("/memos/<slug>")
@login_required
def memo(slug):
    memo = db.first_or_404(select(Memo).filter_by(slug=slug))
    lines = contacts.contacts_for(db.session, contacts.district_of(current_user))
    return render_template("learn/memo.html", memo=memo, contacts=lines)

"""Seminars for the center: schedule sessions, their fill and attendance, no-shows per team, the list near
the deadline, and each module's completion rule (with a preview of who would lose qualification)."""

from datetime import datetime

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import role_required
from ..extensions import db
from ..models import Module, SeminarSession, User
from ..models.seminar import COMPLETION_RULES
from ..services import qualification, seminar_stats, seminars
from ..services.calendar import ALMATY
from ..services.export import table_csv
from . import bp
from .seminar_forms import RULE_CHOICES, RulesForm, SeminarForm


def deadline_list():
    """The consultants with neither a seminar place nor the online part, once the deadline is near; else None."""
    config = current_app.config
    today = datetime.now(ALMATY).date()
    deadline = datetime.fromisoformat(config["QUALIFICATION_DEADLINE"]).date()
    if not seminar_stats.alert_open(today, deadline, config["SEMINAR_ALERT_DAYS"]):
        return None
    return seminar_stats.missing(db.session)


@bp.get("/seminars")
@role_required("admin")
def seminar_list():
    return render_template("admin/seminars.html", lines=seminar_stats.session_lines(db.session),
                           teams=seminar_stats.no_shows(db.session), missing=deadline_list(),
                           when=seminars.when, where=seminars.where, rules=qualification.rules(db.session),
                           modules=db.session.scalars(select(Module).order_by(Module.position)).all(),
                           rule_names=qualification.RULES)


@bp.get("/seminars/missing.csv")
@role_required("admin")
def missing_csv():
    body = table_csv(seminar_stats.missing_table(seminar_stats.missing(db.session)))
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="no-seminar-no-online.csv"'})


@bp.route("/seminars/new", methods=["GET", "POST"], defaults={"seminar_id": None})
@bp.route("/seminars/<int:seminar_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def seminar(seminar_id):
    found = db.get_or_404(SeminarSession, seminar_id) if seminar_id else None
    form = SeminarForm(obj=seminars.spec_of(found) if found else None)
    form.module_id.choices = [(m.id, m.title) for m in db.session.scalars(select(Module).order_by(Module.position))]
    form.trainer_id.choices = [(t.id, t.full_name) for t in seminars.trainers(db.session)]
    if form.validate_on_submit():
        spec = seminars.SessionSpec(form.module_id.data, form.day.data, form.start.data, form.minutes.data,
                                    form.place.data, form.room.data or "", form.trainer_id.data, form.capacity.data,
                                    form.notes.data or "")
        try:
            seminars.save(db.session, found, spec, current_user.id)
            db.session.commit()
            flash("Семинар сохранён.", "success")
            return redirect(url_for("admin.seminar_list"))
        except seminars.SeminarError as exc:
            db.session.rollback()
            form.capacity.errors.append(str(exc))
    title = f"Семинар {seminars.when(found)}" if found else "Новый семинар"
    return render_template("admin/form.html", form=form, title=title), 400 if form.errors else 200


def _rules_posted(modules) -> dict[int, str]:
    rule_of = {m.id: request.form.get(f"rule-{m.id}", "") for m in modules}
    if any(r not in COMPLETION_RULES for r in rule_of.values()) or not RulesForm().validate_on_submit():
        abort(400)
    return rule_of


def _modules():
    return list(db.session.scalars(select(Module).order_by(Module.position)))


@bp.get("/seminars/rules")
@role_required("admin")
def completion_rules():
    return render_template("admin/seminar_rules.html", modules=_modules(), rules=qualification.rules(db.session),
                           choices=RULE_CHOICES, form=RulesForm())


@bp.post("/seminars/rules")
@role_required("admin")
def preview_rules():
    """Who would lose (and gain) qualification under the new rules; nothing is changed until confirmed."""
    modules = _modules()
    rule_of = _rules_posted(modules)
    lose, gain = qualification.preview(db.session, rule_of)
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(lose + gain))
                                                  .options(selectinload(User.team)))}
    return render_template("admin/seminar_rules_preview.html", modules=modules, rule_of=rule_of,
                           current=qualification.rules(db.session), names=qualification.RULES,
                           lose=[people[i] for i in lose], gain=[people[i] for i in gain], form=RulesForm(),
                           losers=",".join(map(str, sorted(lose))))


@bp.post("/seminars/rules/confirm")
@role_required("admin")
def confirm_rules():
    modules = _modules()
    rule_of = _rules_posted(modules)
    lose, _ = qualification.preview(db.session, rule_of)
    if ",".join(map(str, sorted(lose))) != request.form.get("losers", ""):
        flash("Пока вы смотрели, список изменился: проверьте его ещё раз.", "error")
        return preview_rules()
    changed = qualification.set_rules(db.session, rule_of, current_user.id)
    db.session.commit()
    flash(f"Правила сохранены (изменено модулей: {len(changed)}); квалификация пересчитана.", "success")
    return redirect(url_for("admin.seminar_list"))

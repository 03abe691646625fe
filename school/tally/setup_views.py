"""The center sets up an election from the current official protocol form: the election and its date, who makes
the second entry, its contests, each protocol's lines and its control relations (a formula naming an unknown
line is refused when saved). Every change is in the audit log."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Contest, ControlRelation, Election, ProtocolLine
from ..services import elections
from . import bp
from .forms import ContestForm, ElectionForm, LineForm, RelationForm


def _save_election(form, election):
    """Save the election form (new when `election` is None); the saved election, or None (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        saved = elections.save_election(db.session, current_user.id, election, form.name.data, form.date.data,
                                        form.second_entry.data)
    except elections.ElectionError as error:
        form.name.errors.append(str(error))
        return None
    db.session.commit()
    return saved


@bp.route("/elections", methods=["GET", "POST"])
@role_required("admin")
def election_list():
    form = ElectionForm()
    if election := _save_election(form, None):
        flash("Выборы созданы: добавьте протоколы (виды выборов) и их строки.", "ok")
        return redirect(url_for("tally.election", election_id=election.id))
    return render_template("tally/elections.html", form=form, elections=elections.all_elections(db.session))


def _election_page(election, form=None, contest_form=None):
    return render_template("tally/election.html", election=election, form=form or ElectionForm(obj=election),
                           contest_form=contest_form or ContestForm(formdata=None))


@bp.route("/elections/<int:election_id>", methods=["GET", "POST"])
@role_required("admin")
def election(election_id):
    election = db.get_or_404(Election, election_id)
    form = ElectionForm(obj=election)
    if _save_election(form, election):
        flash("Сохранено.", "ok")
        return redirect(url_for("tally.election", election_id=election.id))
    return _election_page(election, form)


@bp.post("/elections/<int:election_id>/contests")
@role_required("admin")
def add_contest(election_id):
    election = db.get_or_404(Election, election_id)
    form = ContestForm()
    if form.validate_on_submit():
        try:
            contest = elections.add_contest(db.session, current_user.id, election, form.code.data, form.title.data,
                                            form.pages.data)
        except elections.ElectionError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for("tally.contest_setup", contest_id=contest.id))
    return _election_page(election, contest_form=form)


def _contest_page(contest, line_form=None, relation_form=None):
    return render_template("tally/contest_setup.html", contest=contest, form=EmptyForm(),
                           line_form=line_form or LineForm(formdata=None),
                           relation_form=relation_form or RelationForm(formdata=None))


@bp.get("/contests/<int:contest_id>/setup")
@role_required("admin")
def contest_setup(contest_id):
    return _contest_page(db.get_or_404(Contest, contest_id))


def _save(contest, form, field, save, editing: bool):
    """Validate, save through the service, commit. A refused addition is shown under its form; a refused edit
    (its form sits in a row of the table) is said at the top."""
    done = redirect(url_for("tally.contest_setup", contest_id=contest.id))
    if form.validate_on_submit():
        try:
            save()
        except elections.ElectionError as error:
            db.session.rollback()
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash("Сохранено.", "ok")
            return done
    if editing:
        flash(" ".join(e for f in form for e in f.errors) or "Не сохранено.", "error")
        return done
    return None


@bp.post("/contests/<int:contest_id>/lines")
@bp.post("/lines/<int:line_id>")
@role_required("admin")
def save_line(contest_id=None, line_id=None):
    line = db.get_or_404(ProtocolLine, line_id) if line_id else None
    contest = line.contest if line else db.get_or_404(Contest, contest_id)
    form = LineForm()
    done = _save(contest, form, form.title, lambda: elections.save_line(
        db.session, current_user.id, contest, line, form.code.data, form.number.data, form.title.data, form.kind.data),
        line is not None)
    return done or _contest_page(db.session.get(Contest, contest.id), line_form=form)


@bp.post("/lines/<int:line_id>/delete")
@role_required("admin")
def delete_line(line_id):
    line = db.get_or_404(ProtocolLine, line_id)
    contest_id = line.contest_id
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        elections.delete_line(db.session, current_user.id, line)
    except elections.ElectionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Строка удалена.", "ok")
    return redirect(url_for("tally.contest_setup", contest_id=contest_id))


@bp.post("/contests/<int:contest_id>/relations")
@bp.post("/relations/<int:relation_id>")
@role_required("admin")
def save_relation(contest_id=None, relation_id=None):
    relation = db.get_or_404(ControlRelation, relation_id) if relation_id else None
    contest = relation.contest if relation else db.get_or_404(Contest, contest_id)
    form = RelationForm()
    done = _save(contest, form, form.formula, lambda: elections.save_relation(
        db.session, current_user.id, contest, relation, form.code.data, form.formula.data, form.message.data,
        form.severity.data, form.active.data), relation is not None)
    return done or _contest_page(db.session.get(Contest, contest.id), relation_form=form)

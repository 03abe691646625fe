"""The law, as the center tracks it: the article index, version history with diffs, changes of the law
and the re-checks they require."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import role_required
from ..extensions import db
from ..models import LawChange, Question, Quiz, Section
from ..services import articles, history, lawchanges
from . import bp
from .law_forms import LawChangeForm, RecheckForm


@bp.get("/articles")
@role_required("admin")
def article_index():
    return render_template("admin/articles.html", entries=articles.index(db.session))


def _pick(versions, texts):
    """The two versions to compare: ?a=&b= (version numbers), by default the previous and the current."""
    numbers = [v.version for v in versions]
    b = request.args.get("b", numbers[-1], type=int)
    a = request.args.get("a", numbers[-2] if len(numbers) > 1 else b, type=int)
    if a not in numbers or b not in numbers:
        abort(404)
    old, new = texts[numbers.index(a)], texts[numbers.index(b)]
    return a, b, history.diff(old, new, f"версия {a}", f"версия {b}")


def _history(title, versions, texts, back):
    if not versions:
        abort(404)
    a, b, lines = _pick(versions, texts)
    return render_template("admin/history.html", title=title, versions=versions, a=a, b=b, lines=lines,
                           text=texts[[v.version for v in versions].index(b)], back=back)


@bp.get("/content/sections/<int:section_id>/history")
@role_required("admin")
def section_history(section_id):
    section = db.get_or_404(Section, section_id)
    versions = history.section_versions(db.session, section.id)
    return _history(f"Раздел «{section.title}»", versions, [v.source for v in versions],
                    url_for("learn.section", slug=section.module.slug, section_slug=section.slug))


@bp.get("/content/questions/<int:question_id>/history")
@role_required("admin")
def question_history(question_id):
    question = db.get_or_404(Question, question_id)
    versions = history.question_versions(db.session, question.id)
    back = url_for("admin.quiz_bank", slug=db.session.get(Quiz, question.quiz_id).slug)
    return _history(f"Вопрос {question.key}", versions, [history.question_text(v) for v in versions], back)


@bp.route("/law", methods=["GET", "POST"])
@role_required("admin")
def law_changes():
    form = LawChangeForm()
    if form.validate_on_submit():
        try:
            change = lawchanges.record(db.session, current_user.id, form.articles.data, form.effective_date.data,
                                       form.note.data)
            db.session.commit()
            flash("Изменение закона записано: проверьте разделы и вопросы, которые на него ссылаются.", "success")
            return redirect(url_for("admin.law_change", change_id=change.id))
        except lawchanges.LawChangeError as exc:
            db.session.rollback()
            form.articles.errors.append(str(exc))
    return render_template("admin/law_changes.html", form=form, changes=lawchanges.all_changes(db.session),
                           label=articles.label), 400 if form.errors else 200


def _change_page(change, form=None, status=200):
    return render_template("admin/law_change.html", change=change, review=lawchanges.review(db.session, change),
                           modules=lawchanges.affected_modules(db.session, change),
                           affected=lawchanges.affected(db.session, change),
                           form=form or RecheckForm(), label=articles.label), status


@bp.get("/law/<int:change_id>")
@role_required("admin")
def law_change(change_id):
    return _change_page(db.get_or_404(LawChange, change_id))


@bp.post("/law/<int:change_id>/recheck")
@role_required("admin")
def require_recheck(change_id):
    change = db.get_or_404(LawChange, change_id)
    form = RecheckForm()
    if not form.validate_on_submit():
        return _change_page(change, form, 400)
    try:
        made = lawchanges.require_recheck(db.session, change, current_user.id, form.questions.data,
                                          form.pass_mark.data, form.attempts.data)
        db.session.commit()
    except lawchanges.LawChangeError as exc:
        db.session.rollback()
        form.questions.errors.append(str(exc))
        return _change_page(change, form, 409)
    flash(f"Повторная проверка назначена: тестов {len(made)}.", "success")
    return redirect(url_for("admin.law_change", change_id=change.id))

"""Bulk import in the browser: upload, dry run with every bad row listed, then confirm to apply."""

import secrets
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..request_limits import MB, body_limit
from ..services import audit, invitations
from ..services.export import table_csv
from ..services.importer import ImportFailed, ImportRefused, import_file
from . import bp
from .forms import ImportForm

MAX_UPLOAD = 16 * MB  # a nationwide file of 50,000 rows is about 6 MB as CSV
SHOWN_ERRORS = 200


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending():
    """The uploaded file waiting for confirmation: (path, original name) or None."""
    token, name = session.get("import_token"), session.get("import_name")
    if not token or not token.isalnum():
        return None
    path = _upload_dir() / f"{token}.upload"
    return (path, name) if path.exists() else None


def _import_page(**context):
    return render_template("admin/import.html", limit_mb=MAX_UPLOAD // MB, **context)


@bp.route("/import", methods=["GET", "POST"])
@body_limit(MAX_UPLOAD)  # larger than the app-wide limit, for this form only
@role_required("admin")
def import_upload():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form=form, plan=None), 400 if form.errors else 200
    upload = form.file.data
    data = upload.read()
    plan, _ = import_file(db.session, upload.filename, data, dry_run=True)
    db.session.rollback()
    if plan.ok:
        token = secrets.token_hex(16)
        (_upload_dir() / f"{token}.upload").write_bytes(data)
        session["import_token"], session["import_name"] = token, upload.filename
    return _import_page(form=form, plan=plan, errors=plan.errors[:SHOWN_ERRORS], confirm=EmptyForm(),
                        filename=upload.filename), 200 if plan.ok else 422


@bp.post("/import/confirm")
@role_required("admin")
def import_confirm():
    pending = _pending()
    if pending is None or not EmptyForm().validate_on_submit():
        flash("Файл для импорта не найден: загрузите его снова.", "error")
        return redirect(url_for("admin.import_upload"))
    path, name = pending
    try:
        plan, result = import_file(db.session, name, path.read_bytes(), dry_run=False)
    except (ImportFailed, ImportRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.import_upload"))
    finally:
        path.unlink(missing_ok=True)
        session.pop("import_token", None)
    if result is None:  # the database changed since the dry run and the file no longer fits
        flash("С момента проверки данные изменились; проверьте файл снова.", "error")
        return redirect(url_for("admin.import_upload"))
    audit.record(db.session, current_user.id, "import.apply", file=name, summary=result.summary())
    db.session.commit()
    flash("Импорт выполнен. " + "; ".join(result.summary()), "success")
    return redirect(url_for("admin.pending_people"))


@bp.get("/people-without-password")
@role_required("admin")
def pending_people():
    """People without a password yet (new or imported): they need invitation links."""
    people = invitations.without_password(db.session)
    return render_template("admin/no_password.html", users=people, form=EmptyForm())


@bp.post("/people-without-password/links.csv")
@role_required("admin")
def bulk_links():
    """One new invitation link per person without a password, as CSV to send by messenger or mail merge."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    people = invitations.without_password(db.session)
    rows = [["ФИО", "Логин", "Бригада", "Ссылка"]]
    for user in people:
        token = invitations.create(db.session, user, "invite", current_user.id)
        rows.append([user.full_name, user.login, user.team.name if user.team else "",
                     url_for("auth.invitation", token=token, _external=True)])
    db.session.commit()
    return Response(table_csv(rows).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="invitation-links.csv"'})

"""The contacts the pages show (hotline, city and district commissions): list, create, edit, delete."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import role_required
from ..auth.forms import EmptyForm
from ..extensions import db
from ..models import Contact, District
from ..services import contacts
from . import bp
from .forms import ContactForm


@bp.get("/contacts")
@role_required("admin")
def contact_list():
    return render_template("admin/contacts.html", contacts=contacts.all_contacts(db.session), form=EmptyForm())


@bp.route("/contacts/new", methods=["GET", "POST"], defaults={"contact_id": None})
@bp.route("/contacts/<int:contact_id>", methods=["GET", "POST"])
@role_required("admin")
def contact(contact_id):
    row = db.get_or_404(Contact, contact_id) if contact_id else None
    form = ContactForm(obj=row, district_id=(row.district_id or 0) if row else 0)
    districts = db.session.scalars(select(District).order_by(District.name))
    form.district_id.choices = [(0, "— весь город —")] + [(d.id, d.name) for d in districts]
    if form.validate_on_submit():
        district = db.session.get(District, form.district_id.data) if form.district_id.data else None
        try:
            contacts.save_contact(db.session, row, current_user.id, kind=form.kind.data, district=district,
                                  name=form.name.data, phone=form.phone.data or "", note=form.note.data or "",
                                  position=form.position.data or 0)
            db.session.commit()
            flash("Контакт сохранён.", "success")
            return redirect(url_for("admin.contact_list"))
        except contacts.ContactError as exc:
            db.session.rollback()
            form.district_id.errors.append(str(exc))
    title = row.name if row else "Новый контакт"
    return render_template("admin/form.html", form=form, title=title), 400 if form.errors else 200


@bp.post("/contacts/<int:contact_id>/delete")
@role_required("admin")
def delete_contact(contact_id):
    row = db.get_or_404(Contact, contact_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    contacts.delete_contact(db.session, row, current_user.id)
    db.session.commit()
    flash("Контакт удалён.", "success")
    return redirect(url_for("admin.contact_list"))

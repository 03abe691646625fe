"""Certificates: the consultant's PDF, the public verification page, the center's revocation."""

from datetime import datetime

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import get_consultant_or_404, role_required
from ..extensions import db, limiter
from ..filters import ALMATY
from ..services import certificates
from ..services.certificate_pdf import render
from . import bp
from .forms import RevokeForm


def verify_url(code: str) -> str:
    """The public address of a certificate: PUBLIC_BASE_URL if set, else this request's own host."""
    base = current_app.config["PUBLIC_BASE_URL"]
    path = url_for("certificates.verify", code=code)
    return base + path if base else url_for("certificates.verify", code=code, _external=True)


@bp.get("/certificate.pdf")
@role_required("consultant")
def download():
    try:
        certificate = certificates.issue(db.session, current_user.id)
    except certificates.CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("learn.dashboard"))
    db.session.commit()
    pdf = render(certificates.details(db.session, certificate), verify_url(certificate.code),
                 current_app.config["CERTIFICATE_FONT_DIR"], datetime.now(ALMATY).date())
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="certificate.pdf"'})


@bp.get("/verify/<code>")
@limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])
def verify(code):
    """Public: name, qualified since and status only; an unknown code is a 404."""
    found = certificates.verify(db.session, code)
    response = Response(render_template("certificates/verify.html", v=found, labels=certificates.STATUSES),
                        status=200 if found else 404)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/consultants/<int:user_id>/certificate/revoke")
@role_required("admin")
def revoke(user_id):
    person = get_consultant_or_404(user_id)
    certificate = certificates.of(db.session, person.id)
    form = RevokeForm()
    if certificate is None or not form.validate_on_submit():
        flash("Укажите причину отзыва." if certificate else "Сертификат не выдавался.", "error")
        return redirect(url_for("readiness.consultant", user_id=person.id))
    try:
        certificates.revoke(db.session, certificate, current_user.id, form.reason.data)
        db.session.commit()
        flash("Сертификат отозван.", "success")
    except certificates.CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("readiness.consultant", user_id=person.id))


@bp.app_context_processor
def certificate_labels():
    """Certificate states in words, for every page that shows one (team page, consultant page, dashboard)."""
    return {"CERTIFICATE_LABELS": certificates.STATUSES}

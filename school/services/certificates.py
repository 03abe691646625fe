"""Certificates: issued to a qualified consultant, verified by anyone with the code, revoked by the center.

A certificate's status follows the stored qualification (services/qualification.py), so it can never
say more than the qualification does: valid while qualified, «нужно обновить» while a re-check after a
change of the law is due, revoked by the center (final), invalid if the qualification was lost.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..models import Certificate, Module, Quiz, User
from ..models._types import utcnow
from . import audit, qualification
from .upsert import insert_missing

CODE_BYTES = 20  # 160 random bits
STATUSES = {"valid": "действителен", "needs_update": "нужно обновить", "revoked": "отозван",
            "invalid": "недействителен: квалификация не подтверждена", "none": "не выдан"}


class CertificateError(ValueError):
    """The certificate cannot be issued or revoked now; the message says why."""


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def status_of(certificate: Certificate | None, qualification_status: str) -> str:
    """The one definition of a certificate's status."""
    if certificate is None:
        return "none"
    if certificate.revoked_at:
        return "revoked"
    return {"qualified": "valid", "needs_update": "needs_update"}.get(qualification_status, "invalid")


def of(session, user_id: int) -> Certificate | None:
    return session.scalar(select(Certificate).filter_by(user_id=user_id))


def statuses(session, user_ids) -> dict[int, str]:
    """{user_id: certificate status} for a select (or list) of user ids, in two queries."""
    certificates = {c.user_id: c for c in session.scalars(select(Certificate).where(Certificate.user_id.in_(user_ids)))}
    facts = qualification.stored(session, list(certificates))
    return {u: status_of(c, facts[u].status if u in facts else "not_started") for u, c in certificates.items()}


def issue(session, user_id: int) -> Certificate:
    """The consultant's certificate, created once (a second request gets the same code); only while
    qualified or needing an update, and never again after a revocation."""
    certificate = of(session, user_id)
    if certificate is None:
        if qualification.of(session, user_id).status not in ("qualified", "needs_update"):
            raise CertificateError("Сертификат выдаётся после квалификации.")
        insert_missing(session, Certificate, ("user_id",), user_id=user_id, code=new_code(), issued_at=utcnow(),
                       revoke_reason="")
        certificate = of(session, user_id)
    if certificate.revoked_at:
        raise CertificateError("Сертификат отозван центром.")
    return certificate


def revoke(session, certificate: Certificate, admin_id: int, reason: str) -> None:
    """Revoke with a reason, written to the audit log in the same transaction."""
    reason = (reason or "").strip()[:500]
    if not reason:
        raise CertificateError("Укажите причину отзыва.")
    if certificate.revoked_at:
        raise CertificateError("Сертификат уже отозван.")
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = utcnow(), admin_id, reason
    audit.record(session, admin_id, "certificate.revoke", certificate.user_id, reason=reason)


@dataclass
class ModuleLine:
    title: str
    score: float | None
    law_as_of: date | None
    source: str = ""  # what completed the study part: «семинар 12.12, зал 3» or «онлайн»


@dataclass
class Details:
    """What the certificate shows: the person, each module's best score and law redaction, the dates."""

    certificate: Certificate
    name: str
    status: str
    qualified_at: datetime | None
    modules: list[ModuleLine]


def details(session, certificate: Certificate) -> Details:
    user = session.get(User, certificate.user_id)
    fact = qualification.of(session, user.id)
    results = qualification.quiz_results(session, [user.id])
    sources = qualification.sources(session, [user.id])
    quizzes = {q.slug: q for q in session.scalars(select(Quiz))}
    lines = []
    for module in session.scalars(select(Module).order_by(Module.position)):
        quiz = quizzes.get(module.quiz_slug)
        result = results.get((user.id, quiz.id)) if quiz else None
        lines.append(ModuleLine(module.title, result.best_score if result else None, module.law_as_of,
                                sources.get((user.id, module.id), "")))
    return Details(certificate, user.full_name, status_of(certificate, fact.status), fact.qualified_at, lines)


@dataclass
class Verification:
    """All that /verify shows: nothing but the name, since when and the status."""

    name: str
    qualified_at: datetime | None
    status: str


def verify(session, code: str) -> Verification | None:
    certificate = session.scalar(select(Certificate).filter_by(code=code)) if 0 < len(code) <= 64 else None
    if certificate is None:
        return None
    fact = qualification.of(session, certificate.user_id)
    return Verification(certificate.user.full_name, fact.qualified_at, status_of(certificate, fact.status))

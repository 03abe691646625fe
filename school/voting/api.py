"""POST /api/reports: a report from a phone, authorised by its device token (not the session, not CSRF), so a
report written at 14:00 and sent from the queue at 21:00 still arrives. Idempotent by the phone's id."""

import hashlib
from datetime import datetime

from flask import current_app, jsonify, request

from ..extensions import csrf, db, limiter
from ..models import VotingDay
from ..models.voting import STATUSES
from ..request_limits import MB, body_limit
from ..services import device_tokens, incident_photos, incidents
from . import bp


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def _guess_key() -> str:
    return "report-address:" + (request.remote_addr or "-")


def _token_key() -> str:
    # A digest, so no usable token sits in the limiter's storage.
    return "report-token:" + hashlib.sha256(_bearer().encode()).hexdigest()[:32]


def _when(raw: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _report() -> incidents.Report:
    form = request.form
    upload = request.files.get("photo")
    data = upload.read(incident_photos.MAX_UPLOAD + 1) if upload and upload.filename else None
    if data is not None and len(data) > incident_photos.MAX_UPLOAD:
        raise incidents.IncidentError("Фото больше 10 МБ.")
    urgent = {"1": True, "0": False}.get(form.get("urgent", ""))
    station = form.get("station_id", "")
    return incidents.Report(station_id=int(station) if station.isdigit() else 0, kind=form.get("kind", ""),
                            description=form.get("description", ""), urgent=urgent,
                            client_id=form.get("client_id", ""), written_at=_when(form.get("written_at")),
                            photo=data or None)


@bp.post("/api/reports")
@csrf.exempt
@body_limit(11 * MB)
@limiter.limit(lambda: current_app.config["REPORT_GUESS_LIMIT"], key_func=_guess_key,
               deduct_when=lambda response: response.status_code == 401)
@limiter.limit(lambda: current_app.config["REPORT_TOKEN_LIMIT"], key_func=_token_key,
               deduct_when=lambda response: response.status_code != 401)
def api_report():
    token = device_tokens.verify(db.session, _bearer())
    if token is None:
        return jsonify(error="Ключ отправки недействителен: откройте «День голосования» и войдите снова."), 401
    try:
        report = _report()
        if report.station_id not in device_tokens.station_ids(db.session, token):
            return jsonify(error="Этот участок не ваш: сообщение можно отправить только по своему участку."), 403
        channel = "offline" if request.form.get("queued") == "1" else "web"
        incident, created = incidents.create(
            db.session, db.session.get(VotingDay, token.voting_day_id), report, consultant_id=token.user_id,
            actor_id=token.user_id, channel=channel, photo_dir=current_app.config["INCIDENT_PHOTO_DIR"])
    except (incidents.IncidentError, incident_photos.PhotoError) as error:
        db.session.rollback()
        return jsonify(error=str(error)), 400
    db.session.commit()
    return jsonify(id=incident.id, client_id=incident.client_id, created=created, status=incident.status,
                   status_label=STATUSES[incident.status], kind=incident.kind), 201 if created else 200

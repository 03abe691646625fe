"""GET /healthz: 200 with JSON when the database answers, 503 otherwise."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means "not healthy"; details go to the log, not the client
        current_app.logger.exception("health check: database")
        db.session.rollback()
        checks["database"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503

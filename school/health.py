"""GET /healthz: 200 with JSON when the database answers, 503 otherwise."""

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from .extensions import db, limiter

bp = Blueprint("health", __name__)


def _redis_ok(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        return "ok"
    except redis.RedisError:
        current_app.logger.exception("health check: redis")
        return "error"


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
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis_ok(current_app.config["REDIS_URL"])
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "error", checks=checks), 200 if healthy else 503

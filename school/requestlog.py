"""One structured log line per request, tagged with a request id; no personal data (no query strings,
no form values, no user names: the user is logged by numeric id only)."""

import json
import logging
import re
import time
import uuid

from flask import g, request
from sqlalchemy import inspect

log = logging.getLogger("school.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _user_id() -> str | None:
    """The id of the user this request loaded, read from its identity key: never the user loader or an
    attribute, which after the view's commit would query a database that may be failing by now."""
    state = inspect(g.get("_login_user"), raiseerr=False)  # None when anonymous or no user was loaded
    return str(state.identity[0]) if state is not None and state.identity else None


def init_app(app):
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def tag():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def record(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        log.info(json.dumps({
            "request_id": g.get("request_id"), "method": request.method, "path": request.path,
            "status": response.status_code, "ms": round(1000 * (time.perf_counter() - g.get("started", 0)), 1),
            "user": _user_id()}))
        return response

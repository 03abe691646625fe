"""Offline: the service worker, the list of pages it keeps, and the mark on the pages it may keep.

Only pages without personal data are kept: the playbook, the templates, the memos, the contacts and the report
form (whose stations come from the phone's own store, not from the page). They render without the user's name or
a CSRF token (`offline_copy` in base.html) and answer with `X-Offline-Copy: 1`; the worker caches nothing else.
"""

from pathlib import Path

from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_login import login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from ..extensions import db
from ..models import Memo
from ..models._types import utcnow
from ..services import playbook
from . import bp

OFFLINE_ENDPOINTS = {"playbook.index", "playbook.situation", "playbook.templates", "playbook.contact_list",
                     "playbook.fallback", "learn.memos", "learn.memo", "voting.report_form"}
STATIC = ("css/app.css", "css/print.css", "js/app.js", "js/offline.js", "js/playbook.js")


@bp.get("/sw.js")
def service_worker():
    """At the root so that its scope is the whole site; never cached by the browser's HTTP cache."""
    script = (Path(current_app.static_folder) / "js" / "sw.js").read_bytes()
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/offline")
@login_required
def fallback():
    return render_template("playbook/offline.html")


@bp.get("/offline/csrf")
@login_required
def fresh_csrf():
    """A CSRF token for a form on a kept page (which holds none): the logout button."""
    response = jsonify(csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/offline/manifest.json")
@login_required
def manifest():
    """Every address the worker should keep for offline use."""
    urls = [url_for("playbook.index"), url_for("playbook.templates"), url_for("playbook.contact_list"),
            url_for("playbook.fallback"), url_for("learn.memos"), url_for("voting.report_form")]
    urls += [url_for("playbook.situation", slug=s.slug) for s in playbook.situations(db.session)]
    urls += [url_for("learn.memo", slug=slug) for slug in db.session.scalars(select(Memo.slug).order_by(Memo.position))]
    urls += [url_for("static", filename=name) for name in STATIC]
    response = jsonify(urls=urls)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def offline_flags():
    return {"offline_copy": request.endpoint in OFFLINE_ENDPOINTS, "rendered_at": utcnow()}


@bp.after_app_request
def mark_offline_copy(response):
    if request.endpoint in OFFLINE_ENDPOINTS and response.status_code == 200:
        response.headers["X-Offline-Copy"] = "1"
    return response

"""Bind extensions to the app and configure the database engine."""

import os

from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import filters
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .services.markdown import render
from .services.readiness import STATUSES


def _locale():
    # Russian first; Kazakh and English catalogues arrive with the translation work.
    return "ru"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """WAL lets readers and one writer work at once; SQLite leaves foreign keys off by default,
    and its built-in lower() only knows ASCII, so Cyrillic search needs Python's."""
    if dbapi_connection.__class__.__module__.startswith("sqlite3"):
        dbapi_connection.create_function("lower", 1, lambda s: s.lower() if isinstance(s, str) else s,
                                         deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; a power cut may lose only the last commits
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def init_extensions(app):
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Войдите, чтобы продолжить."
    # No address or browser binding (phones change networks all day); sessions rotate on login
    # and are revoked on the server through the user's session version.
    login_manager.session_protection = None
    if app.config.get("TRUSTED_PROXIES"):
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_env.filters["markdown"] = render
    filters.init_app(app)
    app.jinja_env.globals["STATUS_LABELS"] = STATUSES
    app.jinja_env.globals["ROLE_NAMES"] = {"admin": "Администратор", "coordinator": "Координатор",
                                           "consultant": "Консультант", "trainer": "Тренер"}

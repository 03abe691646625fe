from flask import Blueprint

bp = Blueprint("readiness", __name__)

from . import consultant_views, views  # noqa: E402,F401

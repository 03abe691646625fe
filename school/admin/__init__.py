from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import import_views, request_views, views  # noqa: E402,F401

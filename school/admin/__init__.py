from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import contact_views, import_views, law_views, request_views, stats_views, views  # noqa: E402,F401

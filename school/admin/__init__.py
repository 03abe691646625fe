from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import (  # noqa: E402,F401
    contact_views,
    import_views,
    law_views,
    request_views,
    seminar_views,
    stats_views,
    views,
)

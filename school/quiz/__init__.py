from flask import Blueprint

bp = Blueprint("quiz", __name__)

from . import attempt_views, views  # noqa: E402,F401

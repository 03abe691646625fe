from flask import Blueprint

bp = Blueprint("readiness", __name__)

from . import views  # noqa: E402,F401

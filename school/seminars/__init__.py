from flask import Blueprint

bp = Blueprint("seminars", __name__)

from . import team_views, trainer_views, views  # noqa: E402,F401

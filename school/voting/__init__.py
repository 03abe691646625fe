"""Voting day for consultants: check-in stage by stage, and reports from the phone (also from its queue)."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from . import api, views  # noqa: E402,F401

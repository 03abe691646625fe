"""The voting-day playbook (situations, templates, contacts) and what makes it work offline."""

from flask import Blueprint

bp = Blueprint("playbook", __name__)

from . import offline, views  # noqa: E402,F401

"""The desk: coordinators' queue of their team's incidents, the check-in board, and the center's figures."""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from . import board_views, center_views, views  # noqa: E402,F401


@bp.app_context_processor
def incident_names():
    from ..models.voting import CHANNELS, STATUSES, VERDICTS
    return {"STATUS_NAMES": STATUSES, "VERDICT_NAMES": VERDICTS, "CHANNEL_NAMES": CHANNELS}

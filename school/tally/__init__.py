"""The tally after the count: protocol copies entered twice and reconciled, the center's totals and flags, the
official figures compared, and the election's protocols and control relations set up by the center."""

from flask import Blueprint

bp = Blueprint("tally", __name__, url_prefix="/tally")

from . import center_views, desk_views, entry_views, setup_views  # noqa: E402,F401


@bp.app_context_processor
def tally_names():
    from ..models.election import SEVERITIES
    from ..models.protocol import ENTRY_CHANNELS, ENTRY_STATES, VERDICTS, VERSION_SOURCES
    from ..services.elections import LINE_KIND_REGISTRY
    from ..services.protocol_status import RELATION_STATES
    from ..services.second_entry import MODES
    return {"ENTRY_STATES": ENTRY_STATES, "COPY_VERDICTS": VERDICTS, "ENTRY_CHANNELS": ENTRY_CHANNELS,
            "VERSION_SOURCES": VERSION_SOURCES, "RELATION_STATES": RELATION_STATES, "SEVERITIES": SEVERITIES,
            "LINE_KINDS": LINE_KIND_REGISTRY, "SECOND_ENTRY_MODES": MODES}


@bp.app_template_filter("figure")
def figure(value) -> str:
    """A protocol figure: the number, or «пусто» for an empty line (never shown as 0)."""
    return "пусто" if value is None else str(value)


@bp.app_template_filter("percent")
def percent(value) -> str:
    return "—" if value is None else f"{value:.1f} %".replace(".", ",")

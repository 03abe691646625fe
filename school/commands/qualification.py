"""`flask qualification rebuild`: derive every consultant's stored qualification again."""

import click
from flask.cli import AppGroup

from ..extensions import db
from ..services import qualification as svc

qualification = AppGroup("qualification", help="The stored qualification of consultants.")


@qualification.command("rebuild")
def rebuild():
    """Recompute every consultant's qualification from attempts and reading, from scratch.

    Pages read the stored fact; it is updated with every event that changes it, so this is
    needed only after restoring data by hand or changing the rules."""
    count = svc.rebuild(db.session)
    db.session.commit()
    click.echo(f"Пересчитана квалификация консультантов: {count}")

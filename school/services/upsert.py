"""Create a row once, even when two requests create it at the same moment (a double click, two tabs)."""

from sqlalchemy.dialects import postgresql, sqlite

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_missing(session, model, unique: tuple[str, ...], **values) -> None:
    """INSERT … ON CONFLICT (unique) DO NOTHING: the row exists afterwards and a concurrent insert of the same
    row is not an error. On PostgreSQL it waits for a concurrent uncommitted insert and then does nothing."""
    insert = _INSERT[session.get_bind().dialect.name]
    session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=list(unique)))


def insert_new(session, model, unique: tuple[str, ...], **values) -> int | None:
    """Like insert_missing, and says whether this statement created the row: its id, or None when a row with
    the same unique key was there already (or was inserted concurrently)."""
    insert = _INSERT[session.get_bind().dialect.name]
    stmt = insert(model).values(**values).on_conflict_do_nothing(index_elements=list(unique)).returning(model.id)
    return session.execute(stmt).scalar()

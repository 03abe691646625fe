"""The election as data: its contests (combined elections put several protocols in one station), the lines of
each contest's protocol and its control relations, all configured by the center from the official form; and
the official per-station figures imported later."""

import datetime as dt
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow

# Who makes the second, independent entry (services/second_entry.py owns what each mode allows).
SECOND_ENTRY_MODES = ("desk", "consultant")
LINE_KINDS = ("electorate", "voted", "choice", "count")
SEVERITIES = {"error": "ошибка", "warning": "предупреждение"}
MAX_PAGES = 10


class Election(db.Model):
    """An election (or a rehearsal of one): its date is the voting date once it exists."""

    __tablename__ = "elections"
    __table_args__ = (CheckConstraint(f"second_entry IN {SECOND_ENTRY_MODES}", name="second_entry"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    date: Mapped[dt.date] = mapped_column(index=True)
    second_entry: Mapped[str] = mapped_column(String(20), default="desk")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    contests: Mapped[list["Contest"]] = relationship(back_populates="election", order_by="Contest.position")

    def __repr__(self):
        return f"<Election {self.date} {self.name}>"


class Contest(db.Model):
    """One protocol of the election at each station (e.g. the Mazhilis, the city maslikhat)."""

    __tablename__ = "contests"
    __table_args__ = (UniqueConstraint("election_id", "code"),
                      CheckConstraint(f"pages BETWEEN 1 AND {MAX_PAGES}", name="pages"))
    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    pages: Mapped[int] = mapped_column(default=1)  # pages of the protocol form: a photo of each is required
    position: Mapped[int] = mapped_column(default=0)
    election: Mapped[Election] = relationship(back_populates="contests")
    lines: Mapped[list["ProtocolLine"]] = relationship(order_by="ProtocolLine.position", back_populates="contest")
    relations: Mapped[list["ControlRelation"]] = relationship(order_by="ControlRelation.position",
                                                              back_populates="contest")

    def __repr__(self):
        return f"<Contest {self.code}>"


class ProtocolLine(db.Model):
    """A line of the protocol form: a code used in formulas, its number on the form, its wording, its kind."""

    __tablename__ = "protocol_lines"
    __table_args__ = (UniqueConstraint("contest_id", "code"), CheckConstraint(f"kind IN {LINE_KINDS}", name="kind"))
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(10), default="")
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="count")
    position: Mapped[int] = mapped_column(default=0)
    contest: Mapped[Contest] = relationship(back_populates="lines")

    def __repr__(self):
        return f"<ProtocolLine {self.code}>"


class ControlRelation(db.Model):
    """A control relation written as the violation: when its formula is true, the protocol is flagged."""

    __tablename__ = "control_relations"
    __table_args__ = (UniqueConstraint("contest_id", "code"),
                      CheckConstraint(f"severity IN {tuple(SEVERITIES)}", name="severity"))
    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    formula: Mapped[str] = mapped_column(String(500))
    message: Mapped[str] = mapped_column(String(500))
    severity: Mapped[str] = mapped_column(String(20), default="error")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    contest: Mapped[Contest] = relationship(back_populates="relations")

    def __repr__(self):
        return f"<ControlRelation {self.code}: {self.formula}>"


class OfficialResult(db.Model):
    """The official figures of one station and contest, imported from the commission's published table."""

    __tablename__ = "official_results"
    __table_args__ = (UniqueConstraint("station_id", "contest_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_stations.id", ondelete="CASCADE"), index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"), index=True)
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    station = relationship("PollingStation")

    def __repr__(self):
        return f"<OfficialResult station {self.station_id} contest {self.contest_id}>"

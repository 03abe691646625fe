"""Protocol copies: one per station and contest, with the photos of its pages, two independent entries of its
figures, the settlements of their conflicts, the agreed figures as numbered versions, the relations a person
checked on the photo, and the copy's history. Nothing is overwritten: a correction is a new version."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow

ENTRY_STATES = {"none": "не введён", "first": "первый ввод", "second": "расхождения", "reconciled": "сверен"}
VERDICTS = {"confirmed": "подтверждён", "rejected": "отклонён"}
ENTRY_CHANNELS = {"consultant": "консультант с копии", "desk": "пульт по фото",
                  "behalf": "пульт за консультанта (фото получено иначе)"}
VERSION_SOURCES = {"agreed": "оба ввода совпали", "settled": "расхождения разрешены по фото",
                   "correction": "исправление"}


class ProtocolCopy(db.Model):
    """The center's record of one station's protocol of one contest: its states apart from its figures."""

    __tablename__ = "protocol_copies"
    __table_args__ = (
        UniqueConstraint("station_id", "contest_id"),
        CheckConstraint(f"state IN {tuple(ENTRY_STATES)}", name="state"),
        CheckConstraint(f"verdict IS NULL OR verdict IN {tuple(VERDICTS)}", name="verdict"),
        Index("ix_protocol_copies_contest_state", "contest_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_stations.id", ondelete="CASCADE"), index=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="none")
    verdict: Mapped[str | None] = mapped_column(String(20))
    quarantined: Mapped[bool] = mapped_column(default=False)  # kept, but left out of totals
    version: Mapped[int] = mapped_column(default=0)  # the current agreed version; 0 until reconciled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    station = relationship("PollingStation")
    contest = relationship("Contest")
    photos: Mapped[list["ProtocolPhoto"]] = relationship(order_by="ProtocolPhoto.page", back_populates="copy")
    entries: Mapped[list["ProtocolEntry"]] = relationship(order_by="ProtocolEntry.id", back_populates="copy")
    versions: Mapped[list["ProtocolVersion"]] = relationship(order_by="ProtocolVersion.version",
                                                             back_populates="copy")
    events: Mapped[list["ProtocolEvent"]] = relationship(order_by="ProtocolEvent.id", back_populates="copy")

    def __repr__(self):
        return f"<ProtocolCopy station {self.station_id} contest {self.contest_id} {self.state}>"


class ProtocolPhoto(db.Model):
    """A photo of one page, re-encoded without metadata (as incident photos), stored outside the web root."""

    __tablename__ = "protocol_photos"
    __table_args__ = (UniqueConstraint("copy_id", "page"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    page: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(100), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    original_sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copy: Mapped[ProtocolCopy] = relationship(back_populates="photos")
    uploaded_by = relationship("User")

    def __repr__(self):
        return f"<ProtocolPhoto {self.copy_id} p. {self.page}>"


class ProtocolEntry(db.Model):
    """One reading of the figures: round 1 (the consultant, or the desk on someone's behalf) or round 2 (the
    independent one). A re-entry of a round before reconciliation is a new version of it."""

    __tablename__ = "protocol_entries"
    __table_args__ = (
        UniqueConstraint("copy_id", "round", "version"),
        CheckConstraint("round IN (1, 2)", name="round"),
        CheckConstraint(f"channel IN {tuple(ENTRY_CHANNELS)}", name="channel"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(String(20))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_note: Mapped[str] = mapped_column(String(300), default="")
    values: Mapped[dict] = mapped_column(JSON, default=dict)  # {line code: int or None (empty)}
    comment: Mapped[str] = mapped_column(Text, default="")  # why it was saved with a failing relation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copy: Mapped[ProtocolCopy] = relationship(back_populates="entries")
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    on_behalf_of = relationship("User", foreign_keys=[on_behalf_of_id])

    def __repr__(self):
        return f"<ProtocolEntry {self.copy_id} round {self.round} v{self.version}>"


class ProtocolVersion(db.Model):
    """The agreed figures: version 1 when the entries are reconciled, a new version for each correction."""

    __tablename__ = "protocol_versions"
    __table_args__ = (UniqueConstraint("copy_id", "version"),
                      CheckConstraint(f"source IN {tuple(VERSION_SOURCES)}", name="source"))
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    copy: Mapped[ProtocolCopy] = relationship(back_populates="versions")
    created_by = relationship("User")

    def __repr__(self):
        return f"<ProtocolVersion {self.copy_id} v{self.version}>"


class Settlement(db.Model):
    """A conflict settled from the photo: which line, both readings, the value chosen, who, when and why. The
    latest settlement of a line for the same pair of entries counts, so a settlement can be undone."""

    __tablename__ = "protocol_settlements"
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    first_entry_id: Mapped[int] = mapped_column(ForeignKey("protocol_entries.id", ondelete="CASCADE"))
    second_entry_id: Mapped[int] = mapped_column(ForeignKey("protocol_entries.id", ondelete="CASCADE"))
    line_code: Mapped[str] = mapped_column(String(30))
    first_value: Mapped[int | None]
    second_value: Mapped[int | None]
    value: Mapped[int | None]
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    settled_by = relationship("User")

    def __repr__(self):
        return f"<Settlement {self.copy_id} {self.line_code}={self.value}>"


class RelationCheck(db.Model):
    """A person checked the photo: the copy really says what the flagged relation complains about (a finding,
    not a typo). It holds for the version it was made on."""

    __tablename__ = "relation_checks"
    __table_args__ = (UniqueConstraint("copy_id", "relation_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    relation_id: Mapped[int] = mapped_column(ForeignKey("control_relations.id", ondelete="CASCADE"))
    version: Mapped[int]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<RelationCheck {self.copy_id} relation {self.relation_id} v{self.version}>"


class ProtocolEvent(db.Model):
    """One step of a copy's history: photo, entry, settlement, version, check, verdict, quarantine."""

    __tablename__ = "protocol_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("protocol_copies.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    copy: Mapped[ProtocolCopy] = relationship(back_populates="events")
    actor = relationship("User")

    def __repr__(self):
        return f"<ProtocolEvent {self.action} on {self.copy_id}>"

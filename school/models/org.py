"""Districts, polling stations, teams and the people in them."""

from datetime import datetime, time

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db, login_manager
from ._types import UTCDateTime, utcnow

ROLES = ("admin", "coordinator", "consultant", "trainer")
# The hash of an account that has no password yet (it waits for its invitation link); matches nothing.
NO_PASSWORD = ""  # nosec B105


class District(db.Model):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    teams: Mapped[list["Team"]] = relationship(back_populates="district", order_by="Team.name")

    def __repr__(self):
        return f"<District {self.name}>"


class Team(db.Model):
    """A brigade: one coordinator and the consultants they lead."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("district_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[District] = relationship(back_populates="teams")
    members: Mapped[list["User"]] = relationship(back_populates="team", order_by="User.full_name")

    @property
    def coordinator(self):
        return next((u for u in self.members if u.role == "coordinator"), None)

    def __repr__(self):
        return f"<Team {self.name}>"


class PollingStation(db.Model):
    __tablename__ = "polling_stations"
    __table_args__ = (UniqueConstraint("district_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    number: Mapped[int]
    address: Mapped[str] = mapped_column(String(300), default="")
    # Voting hours, Almaty time (Art. 38: 07:00–20:00 unless the territorial commission moved them).
    opens_at: Mapped[time] = mapped_column(default=time(7), server_default="07:00:00")
    closes_at: Mapped[time] = mapped_column(default=time(20), server_default="20:00:00")
    district: Mapped[District] = relationship()
    team: Mapped[Team | None] = relationship()

    def __repr__(self):
        return f"<PollingStation {self.number}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES}", name="role"),
        # One coordinator per team, enforced by the database.
        Index("uq_team_coordinator", "team_id", unique=True,
              sqlite_where=text("role = 'coordinator'"),
              postgresql_where=text("role = 'coordinator'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50), default="", server_default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    polling_station_id: Mapped[int | None] = mapped_column(
        ForeignKey("polling_stations.id", ondelete="SET NULL"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout and password change so every other session of this user ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    team: Mapped[Team | None] = relationship(back_populates="members")
    polling_station: Mapped[PollingStation | None] = relationship()

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.login} {self.role}>"


@login_manager.user_loader
def load_user(user_id: str):
    uid, _, version = user_id.partition(":")
    if not uid.isdigit():
        return None
    user = db.session.get(User, int(uid))
    if user is None or str(user.session_version) != version:
        return None
    return user

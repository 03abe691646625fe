"""Phone numbers an observer needs on the day: the center's hotline and the election commissions."""

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

# kind -> label; a district commission belongs to a district, the hotline and the city commission to none.
CONTACT_KINDS = {
    "hotline": "Горячая линия центра",
    "city_commission": "Городская избирательная комиссия",
    "district_commission": "Районная избирательная комиссия",
    "other": "Другой контакт",
}


class Contact(db.Model):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(CONTACT_KINDS)}", name="kind"),
        CheckConstraint("kind = 'other' OR (kind = 'district_commission') = (district_id IS NOT NULL)",
                        name="district"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    district = relationship("District")

    @property
    def tel(self) -> str:
        """The phone as a `tel:` link target: digits and a leading +."""
        return "".join(c for c in self.phone if c.isdigit() or c == "+")

    @property
    def kind_label(self) -> str:
        return CONTACT_KINDS[self.kind]

    def __repr__(self):
        return f"<Contact {self.kind} {self.name}>"

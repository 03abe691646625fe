from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..models import PollingStation, User
from ..services import playbook
from ..services.incidents import MAX_DESCRIPTION, Report


class DeskReportForm(FlaskForm):
    """A report the desk writes down from a phone call, on a consultant's behalf."""

    station_id = SelectField("Участок", coerce=int)
    consultant_id = SelectField("Со слов консультанта", coerce=int)
    kind = SelectField("Что случилось")
    description = TextAreaField("Коротко: что, где, кто, сколько", validators=[Length(max=MAX_DESCRIPTION)])
    urgent = RadioField("Срочность", choices=[("", "по виду ситуации"), ("1", "срочно"), ("0", "не срочно")],
                        default="", validators=[Optional()])
    photo = FileField("Фото (необязательно, до 10 МБ)")


class VotingDayForm(FlaskForm):
    date = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    title = StringField("Название", validators=[Length(max=200)])
    rehearsal = BooleanField("Репетиция (учебный день)")


def desk_report_choices(session, form: DeskReportForm, user) -> None:
    """Stations and consultants the desk may report for: the coordinator's team, or everyone for the center."""
    stations = select(PollingStation).order_by(PollingStation.number)
    people = select(User).filter_by(role="consultant", active=True).order_by(User.full_name)
    if user.role != "admin":
        stations, people = stations.filter_by(team_id=user.team_id), people.filter_by(team_id=user.team_id)
    form.station_id.choices = [(s.id, f"№ {s.number}, {s.address}") for s in session.scalars(stations)]
    form.consultant_id.choices = [(0, "— не указан —")] + [(u.id, u.full_name) for u in session.scalars(people)]
    form.kind.choices = [(k.slug, k.title) for k in playbook.incident_kinds(session).values()]


def report_from_form(form: DeskReportForm) -> Report:
    photo = form.photo.data
    data = photo.read() if photo and getattr(photo, "filename", "") else None
    return Report(station_id=form.station_id.data, kind=form.kind.data, description=form.description.data or "",
                  urgent={"1": True, "0": False}.get(form.urgent.data or ""), photo=data or None)

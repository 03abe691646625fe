from datetime import time

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..models import CONTACT_KINDS

ROLE_CHOICES = [("consultant", "Консультант"), ("coordinator", "Координатор"), ("trainer", "Тренер"),
                ("admin", "Администратор")]


class DistrictForm(FlaskForm):
    name = StringField("Название района", validators=[DataRequired("Введите название."), Length(max=200)])


class TeamForm(FlaskForm):
    district_id = SelectField("Район", coerce=int)
    name = StringField("Название бригады", validators=[DataRequired("Введите название."), Length(max=200)])


class StationForm(FlaskForm):
    district_id = SelectField("Район", coerce=int)
    number = IntegerField("Номер участка", validators=[
        DataRequired("Введите номер."), NumberRange(1, 99999, "Номер от 1 до 99999.")])
    address = StringField("Адрес", validators=[Optional(), Length(max=300)])
    team_id = SelectField("Бригада", coerce=int)
    # Art. 38: 07:00–20:00 unless the territorial commission moves them, never before 06:00 or after 22:00.
    opens_at = TimeField("Голосование с", default=time(7), validators=[DataRequired("Укажите время.")])
    closes_at = TimeField("Голосование до", default=time(20), validators=[DataRequired("Укажите время.")])

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and not time(6) <= self.opens_at.data < field.data <= time(22):
            raise ValidationError("Часы голосования — в пределах 06:00–22:00, начало раньше конца (ст. 38).")


class UserForm(FlaskForm):
    login = StringField("Логин", validators=[
        DataRequired("Введите логин."), Length(3, 120, "От 3 до 120 символов."),
        Regexp(r"^[A-Za-z0-9._@-]+$", message="Латинские буквы, цифры и . _ @ -")])
    full_name = StringField("ФИО", validators=[DataRequired("Введите ФИО."), Length(max=200)])
    phone = StringField("Телефон (его видит координатор бригады)", validators=[
        Optional(), Length(max=50),
        Regexp(r"^\+?[0-9 ()-]{5,50}$", message="Цифры, пробелы, скобки, дефис, + в начале.")])
    role = SelectField("Роль", choices=ROLE_CHOICES)
    team_id = SelectField("Бригада", coerce=int)
    polling_station_id = SelectField("Участок", coerce=int)
    password = PasswordField("Пароль (не короче 10 символов)", validators=[Optional(), Length(max=200)])
    active = BooleanField("Учётная запись активна", default=True)


class ImportForm(FlaskForm):
    file = FileField("Файл CSV или XLSX", validators=[
        FileRequired("Выберите файл."), FileAllowed(["csv", "xlsx", "xlsm"], "Нужен файл .csv или .xlsx.")])


class DecisionForm(FlaskForm):
    """Grant or refuse a request for an extra attempt; refusing needs the note (checked by the service)."""

    note = StringField("Пояснение", validators=[Optional(), Length(max=500, message="Не длиннее 500 символов.")])


class ContactForm(FlaskForm):
    kind = SelectField("Вид", choices=list(CONTACT_KINDS.items()))
    district_id = SelectField("Район (только для районной комиссии и, по желанию, других)", coerce=int)
    name = StringField("Название или имя", validators=[DataRequired("Введите название."), Length(max=200)])
    phone = StringField("Телефон (пусто — на страницах будет «не указан»)", validators=[
        Optional(), Length(max=50),
        Regexp(r"^[0-9+()\- ]+$", message="Цифры, пробелы и + ( ) -")])
    note = StringField("Примечание (часы работы, адрес)", validators=[Optional(), Length(max=300)])
    position = IntegerField("Порядок в списке", default=0, validators=[Optional(), NumberRange(0, 999)])

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..services.qualification import RULES


class SeminarForm(FlaskForm):
    module_id = SelectField("Модуль", coerce=int)
    day = DateField("Дата", validators=[DataRequired("Укажите дату.")])
    start = TimeField("Начало (время Алматы)", validators=[DataRequired("Укажите время ЧЧ:ММ.")])
    minutes = IntegerField("Длительность, мин", default=120,
                           validators=[DataRequired("Укажите длительность."), NumberRange(30, 480, "От 30 до 480.")])
    place = StringField("Адрес", validators=[DataRequired("Укажите адрес."), Length(max=300)])
    room = StringField("Зал, аудитория", validators=[Optional(), Length(max=100)])
    trainer_id = SelectField("Тренер", coerce=int)
    capacity = IntegerField("Мест", default=25,
                            validators=[DataRequired("Укажите число мест."), NumberRange(1, 1000, "От 1 до 1000.")])
    notes = TextAreaField("Примечание для участников", validators=[Optional(), Length(max=2000)])


class RulesForm(FlaskForm):
    """One select per module (`rule-<module id>`), read by the view against COMPLETION_RULES."""


RULE_CHOICES = list(RULES.items())

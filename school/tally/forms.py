from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..models.election import MAX_PAGES, SEVERITIES
from ..services.elections import LINE_KIND_REGISTRY
from ..services.second_entry import MODES

CODE_HINT = "латиница, цифры и _, с буквы: используется в формулах"


class ElectionForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=300)])
    date = DateField("Дата голосования", validators=[DataRequired("Укажите дату.")])
    second_entry = RadioField("Второй, независимый ввод", default="desk",
                              choices=[(k, m.label) for k, m in MODES.items()])


class ContestForm(FlaskForm):
    code = StringField("Код", validators=[DataRequired("Укажите код."), Length(max=30)], description=CODE_HINT)
    title = StringField("Название протокола", validators=[DataRequired("Укажите название."), Length(max=300)])
    pages = IntegerField("Страниц в форме протокола", default=1,
                         validators=[NumberRange(1, MAX_PAGES, f"От 1 до {MAX_PAGES}.")])


class LineForm(FlaskForm):
    code = StringField("Код", validators=[Optional(), Length(max=30)], description=CODE_HINT)
    number = StringField("№ в форме", validators=[Optional(), Length(max=10)])
    title = StringField("Текст строки", validators=[DataRequired("Укажите текст строки."), Length(max=300)])
    kind = SelectField("Вид", choices=[(k, f"{v.label} ({v.role})") for k, v in LINE_KIND_REGISTRY.items()],
                       default="count")


class RelationForm(FlaskForm):
    code = StringField("Код", validators=[Optional(), Length(max=30)], description="например, k1")
    formula = StringField("Нарушение (формула, истинна — флаг)",
                          validators=[DataRequired("Укажите формулу."), Length(max=500)],
                          description="например: issued > voters; сравнения ==, !=, <, <=, >, >=; and, or, not; "
                                      "+ - * /; abs()")
    message = StringField("Сообщение", validators=[DataRequired("Напишите сообщение."), Length(max=500)])
    severity = SelectField("Серьёзность", choices=list(SEVERITIES.items()), default="error")
    active = BooleanField("Действует", default=True)

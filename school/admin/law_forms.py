from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LawChangeForm(FlaskForm):
    articles = StringField("Изменённые статьи (через запятую: ст. 20-1, ст. 43)",
                           validators=[DataRequired("Укажите статьи."), Length(max=300)])
    effective_date = DateField("Вступает в силу", validators=[DataRequired("Укажите дату ГГГГ-ММ-ДД.")])
    note = TextAreaField("Что изменилось (увидят консультанты)", validators=[Optional(), Length(max=2000)])


class RecheckForm(FlaskForm):
    questions = IntegerField("Вопросов в проверке", default=10,
                             validators=[DataRequired("Укажите число."), NumberRange(1, 200, "От 1 до 200.")])
    pass_mark = IntegerField("Проходной балл, % (пусто — как в тесте модуля)",
                             validators=[Optional(), NumberRange(1, 100, "От 1 до 100.")])
    attempts = IntegerField("Попыток", default=2,
                            validators=[DataRequired("Укажите число."), NumberRange(1, 20, "От 1 до 20.")])

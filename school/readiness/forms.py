from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length


class WithdrawForm(FlaskForm):
    reason = StringField("Причина отзыва", validators=[DataRequired("Укажите причину отзыва."), Length(max=500)])


class GrantForm(FlaskForm):
    quiz_id = SelectField("Тест", coerce=int)
    reason = StringField("Причина", validators=[DataRequired("Укажите причину."), Length(max=500)])

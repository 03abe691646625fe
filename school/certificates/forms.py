from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = StringField("Причина отзыва сертификата",
                         validators=[DataRequired("Укажите причину отзыва."), Length(max=500)])

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from ..services.attendance import LABELS


class CodeForm(FlaskForm):
    code = StringField("Код с экрана тренера", validators=[DataRequired("Введите код."), Length(max=10)],
                       render_kw={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"})


class MarkForm(FlaskForm):
    value = SelectField("Отметка", choices=[(k, v) for k, v in LABELS.items() if k])


class TeamSignUpForm(FlaskForm):
    """A coordinator signs one of their consultants up for a session."""

    consultant_id = HiddenField()
    seminar_id = SelectField("Семинар", coerce=int, validate_choice=False)

    def ids(self) -> tuple[int, int] | None:
        try:
            return int(self.consultant_id.data), int(self.seminar_id.data)
        except (TypeError, ValueError):
            return None


from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    login = StringField("Логин", validators=[DataRequired("Введите логин."), Length(max=120)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Пароль", validators=[DataRequired("Введите пароль."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class PasswordForm(FlaskForm):
    current = PasswordField("Текущий пароль", validators=[DataRequired("Введите текущий пароль.")])
    new = PasswordField("Новый пароль", validators=[DataRequired("Введите новый пароль."), Length(max=200)])
    repeat = PasswordField("Повторите новый пароль", validators=[EqualTo("new", "Пароли не совпадают.")])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST buttons."""


class SetPasswordForm(FlaskForm):
    new = PasswordField("Новый пароль (не короче 10 символов)",
                        validators=[DataRequired("Введите пароль."), Length(max=200)])
    repeat = PasswordField("Повторите пароль", validators=[EqualTo("new", "Пароли не совпадают.")])

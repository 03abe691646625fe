from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import sessions
from ..extensions import db, limiter
from ..services import invitations
from ..services.accounts import AccountError, authenticate, set_password
from . import bp
from .forms import EmptyForm, LoginForm, PasswordForm, SetPasswordForm


def _safe_next(target: str | None) -> str:
    """Only same-site paths: //evil.example and http://evil.example are refused."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("learn.home")
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else url_for("learn.home")


def _account_key():
    # Namespaced, so a login that looks like an address never shares that address's bucket.
    return "account:" + ((request.form.get("login") or "").strip().lower() or "-")


def _address_key():
    return "address:" + (request.remote_addr or "-")


def _failed(response):
    """Only a wrong login or password counts: a classroom behind one address logs in freely."""
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"], key_func=_address_key,
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], methods=["POST"], key_func=_account_key,
               deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learn.home"))
    form = LoginForm(login=request.args.get("login", ""))
    if form.validate_on_submit():
        user = authenticate(db.session, form.login.data, form.password.data)
        if user:
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            session.permanent = True
            sessions.start()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        flash("Неверный логин или пароль.", "error")
        return render_template("auth/login.html", form=form), 401
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        current_user.session_version += 1  # ends this user's other sessions too
        db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not authenticate(db.session, current_user.login, form.current.data):
            form.current.errors.append("Текущий пароль неверен.")
        else:
            try:
                set_password(current_user, form.new.data)
            except AccountError as exc:
                form.new.errors.append(str(exc))
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # keep this session; others end
                flash("Пароль изменён. Другие сеансы завершены.", "success")
                return redirect(url_for("learn.home"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def invitation(token):
    """Set a password through a one-time link (new account or reset)."""
    invite = invitations.find_valid(db.session, token)
    if invite is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.redeem(db.session, token, form.new.data)
        except AccountError as exc:
            db.session.rollback()
            form.new.errors.append(str(exc))
        else:
            db.session.commit()
            flash("Пароль установлен. Войдите с новым паролем.", "success")
            return redirect(url_for("auth.login", login=user.login))
    return render_template("auth/invitation.html", form=form, invite=invite), 400 if form.errors else 200

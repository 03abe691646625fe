"""Error pages: one template per status, JSON under /api/, no stack trace to users."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

MESSAGES = {
    400: "Запрос не может быть обработан.",
    403: "Недостаточно прав.",
    404: "Страница не найдена.",
    405: "Такое действие здесь недоступно.",
    413: "Слишком большой запрос: файл или форма больше допустимого.",
    429: "Слишком много попыток. Подождите минуту и попробуйте снова.",
    500: "Что-то пошло не так. Мы уже знаем об ошибке; попробуйте позже.",
}


def _render(code: int, message: str | None = None):
    message = message or MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, message=message), code


def refuse(error_class: type[HTTPException], message: str):
    """Stop the request with this status and a message for the user, shown on the error page."""
    error = error_class(message)
    error.for_user = True
    raise error


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _render(400, "Форма устарела или отправлена не с этой страницы. Обновите страницу и повторите.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        return _render(error.code or 500, error.description if getattr(error, "for_user", False) else None)

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        app.logger.exception("unhandled error", exc_info=error)
        return _render(InternalServerError.code)

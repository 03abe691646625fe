"""What a request may carry, checked before anything reads its body (CSRF, the rate limiter's key, a view):
the body size of its route, the number of form fields, and no NUL character anywhere (PostgreSQL text
cannot hold one, so it would fail deep inside a query)."""

from flask import current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from .errors import refuse

MB = 1024 * 1024
NUL_MESSAGE = "В адресе или в форме есть недопустимый символ (нулевой байт). Исправьте текст и отправьте снова."


def body_limit(nbytes: int):
    """Give a route its own body size limit instead of MAX_CONTENT_LENGTH (put it under the route decorator)."""
    def mark(view):
        view.body_limit = nbytes
        return view
    return mark


def limit_for(endpoint: str | None) -> int | None:
    """The body size limit of an endpoint, in bytes."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "body_limit", None) or current_app.config["MAX_CONTENT_LENGTH"]


def _too_large(limit: int):
    refuse(RequestEntityTooLarge, f"Слишком большой запрос: можно отправить до {limit // MB} МБ.")


def _form_too_large():
    refuse(RequestEntityTooLarge, f"Форма слишком большая: в ней больше {current_app.config['MAX_FORM_PARTS']} "
                                  "полей или слишком длинный текст. Обновите страницу и отправьте снова.")


def _fields() -> list[tuple[str, str]]:
    """Every form field and uploaded file name; parsing stops at MAX_FORM_PARTS for multipart forms, and
    urlencoded ones (which Werkzeug does not count) are counted here."""
    try:
        fields = [*request.form.items(multi=True)]
        fields += [(name, upload.filename or "") for name, upload in request.files.items(multi=True)]
    except RequestEntityTooLarge:
        if request.content_length is None:  # a chunked body ran past the limit while being read
            _too_large(request.max_content_length)
        _form_too_large()  # the declared size was checked first, so the parser stopped at a part limit
    if len(fields) > current_app.config["MAX_FORM_PARTS"]:
        _form_too_large()
    return fields


def check_request():
    """Set the route's body limit before the body is read, then refuse oversized forms and NUL characters."""
    limit = request.max_content_length = limit_for(request.endpoint)
    if limit and (request.content_length or 0) > limit:
        _too_large(limit)
    texts = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    texts += [text for pair in _fields() for text in pair]
    if any("\x00" in text for text in texts):
        refuse(BadRequest, NUL_MESSAGE)


def init_app(app):
    """Register the check; call before the extensions so it runs before CSRFProtect reads the form."""
    app.before_request(check_request)

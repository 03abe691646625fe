"""The figures of a protocol as typed: whole numbers from 0, spaces between digit groups allowed; an empty field
is an empty line (None), never a zero."""

from collections.abc import Mapping

MAX_VALUE = 10_000_000
MAX_REASON = 2000
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


class ValueProblem(ValueError):
    """A figure that is not a whole number from 0."""


def parse_value(raw: str | None) -> int | None:
    text = (raw or "").translate(_SPACES)
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise ValueProblem("целое число от 0, без букв и знаков")
    value = int(text)
    if value > MAX_VALUE:
        raise ValueProblem(f"не больше {MAX_VALUE:,}".replace(",", " "))
    return value


def parse_values(codes: list[str], form: Mapping[str, str]) -> tuple[dict[str, int | None], dict[str, str]]:
    """({code: value or None}, {code: problem}) from form fields named «line-<code>»."""
    values: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for code in codes:
        raw = form.get(f"line-{code}", "")
        try:
            values[code] = parse_value(raw)
        except ValueProblem as problem:
            values[code], errors[code] = None, str(problem)
    return values, errors


def as_text(values: dict | None, codes: list[str]) -> dict[str, str]:
    """Figures back into form fields (for a page shown again)."""
    values = values or {}
    return {code: "" if values.get(code) is None else str(values[code]) for code in codes}

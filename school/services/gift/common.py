"""What both directions share: GIFT syntax constants, GiftError, escaping and number formatting."""

import re

ORDER_MARK = "// observer-school: order"
ORDER_MARK_RE = re.compile(r"//\s*observer-school:\s*order\s*$")
ARTICLE_OPEN, ARTICLE_CLOSE = "[[article:", "]]"
SPECIAL = "\\~=#{}:"
PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(SPECIAL)}  # escaped chars while parsing
RESTORE = {v: k for k, v in PLACEHOLDER.items()}
FORMAT_RE = re.compile(r"\[(html|moodle|plain|markdown)\]", re.IGNORECASE)


class GiftError(ValueError):
    """A question that cannot be imported; the message is in Russian."""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _escape(text: str) -> str:
    return "".join("\\" + c if c in SPECIAL else c for c in text).replace("\n", "\\n")


def _restore(text: str) -> str:
    return "".join(RESTORE.get(c, c) for c in text)

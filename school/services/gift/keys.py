"""Question ids for imported questions, stable across imports of the same file.

A title that is already an id (`law-001`) is kept. Any other title (`Кто направляет
наблюдателя`), or the question text when there is no title, is transliterated:
`kto-napravlyaet-nablyudatelya`. A long one is cut and ends with a short hash of the whole;
one with no letter or digit becomes `gift-<hash>`. The id depends only on that text, never on
the question's place in the file, so re-importing an edited file keeps every attempt linked.
"""

import hashlib
import re
import unicodedata

from ..quizfile import KEY_RE

MAX_LENGTH = 60
LATIN = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya a g q n o u u h i"
CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі", LATIN.replace("_", "").split(" "), strict=True))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _latin(text: str) -> str:
    letters = "".join(CYRILLIC.get(c, c) for c in text.lower())
    ascii_only = unicodedata.normalize("NFKD", letters).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def question_key(title: str, text: str) -> str:
    """The id of an imported question, from its title (or its text when it has none)."""
    if KEY_RE.match(title):
        return title
    source = title or text
    slug = _latin(source)
    if not slug:
        return f"gift-{_digest(source)}"
    if len(slug) > MAX_LENGTH:
        slug = f"{slug[:MAX_LENGTH - 9].rstrip('-')}-{_digest(source)}"
    return slug

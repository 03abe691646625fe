"""Texts of a GIFT question as our plain text, refusing what plain text would lose.

Moodle shows `[html]` and `[moodle]` (the default) texts as HTML. Their entities are decoded and
tags that only format (paragraphs, line breaks, bold, italics, spans) are dropped; `<sup>` and
`<sub>` become Unicode superscripts and subscripts (10<sup>-3</sup> -> 10⁻³) or, when a character
has none, the question is refused. Any other tag (a link, an image, a list, a table…) carries
meaning a bank line cannot hold, so the question is refused with the tag named. `[plain]` and
`[markdown]` texts are kept as written.
"""

import re
from html.parser import HTMLParser

from .common import FORMAT_RE, GiftError, _restore

FORMATTING = {"p", "div", "span", "br", "b", "strong", "i", "em", "u", "font"}
BREAKS = {"p", "div", "br"}
SCRIPTS = {
    "sup": ("верхний индекс", str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")),
    "sub": ("нижний индекс", str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")),
}
WHAT = {"a": "ссылка", "img": "картинка", "ul": "список", "ol": "список", "li": "список", "table": "таблица",
        "s": "зачёркнутый текст", "strike": "зачёркнутый текст", "del": "зачёркнутый текст",
        "pre": "текст с отступами", "audio": "звук", "video": "видео", "iframe": "встроенная страница"}


class _Flattener(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.script: tuple[str, list[str]] | None = None  # inside <sup> or <sub>

    def handle_starttag(self, tag, attrs):
        if tag in SCRIPTS and self.script is None:
            self.script = (tag, [])
        elif tag in FORMATTING:
            self.parts.append("\n" if tag in BREAKS else "")
        else:
            what = WHAT.get(tag, "не только оформление")
            raise GiftError(f"HTML-тег <{tag}> ({what}) не переносится в банк вопросов: уберите его в Moodle "
                            "или перепишите вопрос")

    def handle_endtag(self, tag):
        if self.script and tag == self.script[0]:
            name, table = SCRIPTS[tag]
            raw = "".join(self.script[1])
            if any(ord(c) not in table for c in raw):
                raise GiftError(f"HTML: {name} «{raw}» нельзя записать обычным текстом")
            self.parts.append(raw.translate(table))
            self.script = None
        elif tag in BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        (self.script[1] if self.script else self.parts).append(data)


def _from_html(text: str) -> str:
    parser = _Flattener()
    parser.feed(text)
    parser.close()
    if parser.script:
        raise GiftError(f"HTML: тег <{parser.script[0]}> не закрыт")
    return "".join(parser.parts).replace("\xa0", " ").replace("\xad", "")


def _plain(raw: str, fmt: str) -> str:
    text = _restore(raw)
    if fmt in ("html", "moodle"):
        text = _from_html(text)
    if fmt == "html":
        text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def _piece(raw: str, fmt: str) -> str:
    """A question, answer or feedback text: its own format prefix wins over the question's."""
    raw = raw.strip()
    match = FORMAT_RE.match(raw)
    return _plain(raw[match.end():], match.group(1).lower()) if match else _plain(raw, fmt)

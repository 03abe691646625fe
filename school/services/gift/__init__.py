"""Moodle GIFT import and export for question banks (quizzes/<slug>.txt).

Representation (chosen so that every bank round-trips exactly: bank -> GIFT -> bank):

* the question id is the GIFT title: `::law-001::`; on import any other title (`::Кто направляет
  наблюдателя::`), or the text of an untitled question, is transliterated into a stable id
  (`kto-napravlyaet-nablyudatelya`, see keys.py), never numbered by position;
* the topic is the last part of the category: `$CATEGORY: <quiz slug>/<topic>` (written when the
  topic changes; `$CATEGORY: <slug>` for questions without a topic). On import the first part is
  the bank and the rest is the topic; Moodle's `$course$/top/` prefix is skipped;
* explanation and article travel in the general feedback, which Moodle keeps and shows:
  `####<explanation> [[article: <article>]]`. A question without them (a plain Moodle file) is
  imported with `НУЖНО УКАЗАТЬ` in their place, and `content check` refuses the bank until they
  are filled in;
* kind, section and variant_of travel there too, before the article:
  `####<explanation> [[kind: scenario]] [[section: 02-x]] [[article: <article>]]`; a plain Moodle
  file has none, and `content check` then asks for them;
* single -> `{=right ~wrong}`, multiple -> `{~%w%right ~%-w%wrong}` with w = 100/number of right
  options (as in our grading, each wrong pick takes away one right pick), truefalse -> `{TRUE}`,
  match -> `{=left -> right}`, numeric -> `{#12}` or `{#12:0.5}`, short -> `{=word =%50%other}`;
  options with weights (`+50% text`) keep them (`~%50%text`), numeric answers as option lines
  become `{#=5 =%50%9:1}`, per-answer feedback (`> text`) becomes `#text`;
* texts are escaped for GIFT (`\\~ \\= \\# \\{ \\} \\:`) and for the HTML Moodle shows (`&lt;`,
  `&amp;`, `&gt;`, so an order step or a pair with `->` stays whole); short answers, which
  Moodle compares as typed, only for GIFT (`*` as `\\*`, and one with `->` cannot be exported);
* order has no GIFT type: it is written as a matching question "step -> position" (1, 2, ...)
  preceded by the comment `// observer-school: order`; Moodle imports it as a matching question
  and scores it per pair (ours: all or nothing); our import turns it back into an order question.

The import also reads plain Moodle GIFT and never changes a question's meaning: it keeps what
it can (answers.py: weights and penalties, several numeric answers, partial credit, short answers,
per-answer feedback, `{T}`/`{F}`, `{#min..max}`, missing-word questions with the gap as `_____`;
text.py: HTML reduced to plain text only where nothing but formatting is lost) and refuses the
rest with the line of the question and the reason (essays, descriptions, links, images, Moodle's
short-answer wildcard, several 100 % answers in a single-choice question…).
"""

from .answers import FALSE_WORDS, TRUE_WORDS, WEIGHT_RE
from .common import (
    ARTICLE_CLOSE,
    ARTICLE_OPEN,
    FORMAT_RE,
    ORDER_MARK,
    ORDER_MARK_RE,
    PLACEHOLDER,
    RESTORE,
    SPECIAL,
    GiftError,
)
from .quiztext import DEFAULT_SETTINGS, HEADER, to_quiz_text
from .read import from_gift
from .write import to_gift

__all__ = [
    "ARTICLE_CLOSE", "ARTICLE_OPEN", "DEFAULT_SETTINGS", "FALSE_WORDS", "FORMAT_RE", "HEADER", "ORDER_MARK",
    "ORDER_MARK_RE", "PLACEHOLDER", "RESTORE", "SPECIAL", "TRUE_WORDS", "WEIGHT_RE", "GiftError", "from_gift",
    "to_gift", "to_quiz_text",
]

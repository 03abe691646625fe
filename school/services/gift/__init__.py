"""Moodle GIFT import and export for question banks (quizzes/<slug>.txt).

Representation (chosen so that every bank round-trips exactly: bank -> GIFT -> bank):

* the question id is the GIFT title: `::law-001::`; on import a question without a title,
  or with a title that is not a valid id (latin letters, digits, `-`, `_`), gets `gift-NNN`,
  NNN being its position in the file;
* the topic is the last part of the category: `$CATEGORY: <quiz slug>/<topic>` (written when the
  topic changes; `$CATEGORY: <slug>` for questions without a topic). On import the first part is
  the bank and the rest is the topic; Moodle's `$course$/top/` prefix is skipped;
* explanation and article travel in the general feedback, which Moodle keeps and shows:
  `####<explanation> [[article: <article>]]`. On import both are required: a question without
  them is reported as an error, so nothing half-valid gets into a bank;
* single -> `{=right ~wrong}`, multiple -> `{~%w%right ~%-w%wrong}` with w = 100/number of right
  options (as in our grading, each wrong pick takes away one right pick), truefalse -> `{TRUE}`,
  match -> `{=left -> right}`, numeric -> `{#12}` or `{#12:0.5}`;
* order has no GIFT type: it is written as a matching question "step -> position" (1, 2, ...)
  preceded by the comment `// observer-school: order`; Moodle imports it as a matching question,
  our import turns it back into an order question.

The import also reads plain Moodle GIFT: `//` comments, `[html]`/`[moodle]`/`[plain]`/`[markdown]`
prefixes (HTML is reduced to plain text), weights `%50%`, per-answer feedback `#...` (dropped),
`{T}`/`{F}`, `{#min..max}`, numeric answers `{#=12:0 =%50%13:1}` (the 100 % one is kept) and
missing-word questions (the gap becomes `_____`). Essay, short answer and description
questions are reported as errors.
"""

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
from .read import FALSE_WORDS, TRUE_WORDS, WEIGHT_RE, from_gift
from .write import to_gift

__all__ = [
    "ARTICLE_CLOSE", "ARTICLE_OPEN", "DEFAULT_SETTINGS", "FALSE_WORDS", "FORMAT_RE", "HEADER", "ORDER_MARK",
    "ORDER_MARK_RE", "PLACEHOLDER", "RESTORE", "SPECIAL", "TRUE_WORDS", "WEIGHT_RE", "GiftError", "from_gift",
    "to_gift", "to_quiz_text",
]

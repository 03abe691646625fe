"""Study time: how long a section really takes, to check the `minutes` its author gave.

A section takes words / 150 minutes of reading plus 1.5 minutes per self-check item (the numbered
items under a `## Самопроверка` heading). The loader warns (it does not refuse) when a section's
`minutes` is below that estimate and when a module's estimate is above 125 minutes.
"""

import math
import re

WORDS_PER_MINUTE = 150
SELF_CHECK_MINUTES = 1.5
MAX_MODULE_MINUTES = 125
TAG_RE = re.compile(r"<[^>]+>")
WORD_RE = re.compile(r"\w*[^\W\d_]\w*")  # a word has at least one letter: «20-1» is not a word
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ITEM_RE = re.compile(r"^\d+[.)]\s+\S")
SELF_CHECK = "самопроверка"


def count_words(lines: list[str]) -> int:
    return sum(len(WORD_RE.findall(TAG_RE.sub(" ", line))) for line in lines)


def count_self_checks(lines: list[str]) -> int:
    """Numbered items (not indented) between a `## Самопроверка` heading and the next heading of its level."""
    count, level = 0, None
    for line in lines:
        heading = HEADING_RE.match(line)
        if heading:
            depth = len(heading.group(1))
            if heading.group(2).lower() == SELF_CHECK:
                level = depth
            elif level is not None and depth <= level:
                level = None
        elif level is not None and ITEM_RE.match(line):
            count += 1
    return count


def estimate(lines: list[str]) -> tuple[float, int, int]:
    """(minutes, words, self-check items) of a section's Markdown body."""
    words, checks = count_words(lines), count_self_checks(lines)
    return words / WORDS_PER_MINUTE + SELF_CHECK_MINUTES * checks, words, checks


def section_warning(minutes: int, lines: list[str]) -> str | None:
    """A message when `minutes` is below the estimate, else None."""
    needed, words, checks = estimate(lines)
    if minutes >= needed:
        return None
    return (f"minutes: {minutes}, а по оценке нужно не меньше {math.ceil(needed)} мин "
            f"({words} слов / {WORDS_PER_MINUTE} + {checks} вопросов самопроверки × {SELF_CHECK_MINUTES:g}): "
            "увеличьте minutes или сократите раздел")


def module_warning(slug: str, estimates: list[float]) -> str | None:
    total = sum(estimates)
    if total <= MAX_MODULE_MINUTES:
        return None
    return (f"модуль {slug}: по оценке {total:.0f} мин, больше {MAX_MODULE_MINUTES}; "
            "перенесите справочный материал в памятки")

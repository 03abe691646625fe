"""Tells: what lets a trainee pick the key of a bank by its look rather than by knowing the law.

Each check takes the questions of one bank and returns findings (a message and the keys of the
questions concerned); `bank_rules` turns them into `file:line: message` errors. Words are compared
by stem (Snowball's Russian stemmer), so «комиссия», «комиссии» and «комиссию» count as one word.
"""

import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import snowballstemmer

WORD_RE = re.compile(r"[^\W\d_]+")
TOKEN_RE = re.compile(r"[^\W_]+")
# «ст. 20-1», «статья 43», «п. 3», «пп. 12», «пункт 2», «подпункт 4».
ARTICLE_RE = re.compile(r"(?<!\w)(?:ст|стать[а-я]*|пп|п|пункт[а-я]*|подпункт[а-я]*)\.?\s*\d", re.IGNORECASE)
CHOICE_TYPES = ("single", "multiple")


@dataclass
class Finding:
    message: str
    keys: list[str]


@cache
def _stemmer():
    return snowballstemmer.stemmer("russian")


def stem(word: str) -> str:
    return _stemmer().stemWord(word.lower().replace("ё", "е"))


def word_stems(text: str, min_letters: int = 4) -> dict[str, str]:
    """Stems of the words of `min_letters`+ letters, each with the first form it was seen in."""
    stems: dict[str, str] = {}
    for word in WORD_RE.findall(text):
        if len(word) >= min_letters:
            stems.setdefault(stem(word), word.lower())
    return stems


def token_set(text: str) -> set[str]:
    """Every word and number of a text, by stem: what two questions are compared on."""
    return {stem(t) for t in TOKEN_RE.findall(text)}


def _options(questions):
    """(question key, option text, keyed?) for every option of the choice questions."""
    return [(q.key, o["text"], o["correct"]) for q in questions if q.type in CHOICE_TYPES
            for o in q.data.get("options", [])]


def _pct(part: int, whole: int) -> str:
    return f"{part} из {whole} ({round(100 * part / whole) if whole else 0} %)"


def longest_keyed(questions, max_share: float) -> list[Finding]:
    """The keyed option is the strictly longest one in more than `max_share` of single-choice questions."""
    single = [q for q in questions if q.type == "single"]
    hits = []
    for q in single:
        key = max(len(o["text"]) for o in q.data["options"] if o["correct"])
        if all(key > len(o["text"]) for o in q.data["options"] if not o["correct"]):
            hits.append(q.key)
    if not single or len(hits) / len(single) <= max_share:
        return []
    return [Finding(f"верный вариант длиннее всех остальных в {_pct(len(hits), len(single))} вопросов "
                    f"с одним ответом; допустимо не больше {round(100 * max_share)} %", hits)]


def tell_words(questions, min_share: float, ratio: float) -> list[Finding]:
    """Words in at least `min_share` of keyed options and more than `ratio` times as frequent
    (per option) in keyed options as in wrong ones."""
    options = _options(questions)
    keyed = [(key, word_stems(text)) for key, text, correct in options if correct]
    wrong = [word_stems(text) for _, text, correct in options if not correct]
    if not keyed:
        return []
    findings = []
    forms: dict[str, str] = {}
    for _, stems in keyed:
        for s, form in stems.items():
            forms.setdefault(s, form)
    for s in sorted(forms):
        keys = [key for key, stems in keyed if s in stems]
        in_wrong = sum(s in stems for stems in wrong)
        wrong_rate = in_wrong / len(wrong) if wrong else 0.0
        if len(keys) / len(keyed) >= min_share and len(keys) / len(keyed) > ratio * wrong_rate:
            findings.append(Finding(
                f"слово «{forms[s]}» есть в {_pct(len(keys), len(keyed))} верных вариантов, а в неверных — "
                f"в {_pct(in_wrong, len(wrong))}: это подсказка; пишите его и в неверных вариантах "
                "или уберите из верных", list(dict.fromkeys(keys))))
    return findings


def article_tells(questions) -> list[Finding]:
    """Article numbers cited more often (per option) in keyed options than in wrong ones."""
    options = _options(questions)
    keyed = [(key, bool(ARTICLE_RE.search(text))) for key, text, correct in options if correct]
    wrong = [bool(ARTICLE_RE.search(text)) for _, text, correct in options if not correct]
    cited = [key for key, has in keyed if has]
    if not cited or len(cited) / len(keyed) <= (sum(wrong) / len(wrong) if wrong else 0.0):
        return []
    return [Finding(f"номер статьи или пункта есть в {_pct(len(cited), len(keyed))} верных вариантов, "
                    f"а в неверных — в {_pct(sum(wrong), len(wrong))}: ссылайтесь на статьи в неверных "
                    "вариантах не реже", list(dict.fromkeys(cited)))]


def _family(questions) -> dict[str, str]:
    """Each question's original: variants of one question (variant_of, followed to its end) are one family."""
    parent = {q.key: q.data.get("variant_of") or q.key for q in questions}

    def root(key):
        seen = set()
        while parent.get(key, key) != key and key not in seen:
            seen.add(key)
            key = parent[key]
        return key
    return {key: root(key) for key in parent}


def similar_questions(questions, threshold: float) -> list[Finding]:
    """Pairs of questions whose texts share `threshold` or more of their words (Jaccard on token sets),
    unless they are declared variants of one question."""
    family = _family(questions)
    tokens = [(q, token_set(q.data.get("text", ""))) for q in questions]
    findings = []
    for (a, ta), (b, tb) in combinations(tokens, 2):
        if not ta or not tb or family[a.key] == family[b.key]:
            continue
        similarity = len(ta & tb) / len(ta | tb)
        if similarity >= threshold:
            findings.append(Finding(
                f"вопросы {a.key} и {b.key} почти одинаковы (сходство текста {similarity:.2f}, порог {threshold}); "
                f"если это намеренный вариант, напишите у {b.key} variant_of: {a.key}", [a.key, b.key]))
    return findings

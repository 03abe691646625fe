"""Search the playbook in Russian by what people say on the phone.

Words are compared by Snowball's Russian stem, so «пускают», «пускали» and «пускает» are one word. A negation
sticks to the word after it («не пускают» → «не+пуска»), so «не пускают» and «пускают» differ. Each situation
is scored by where the query's stems occur: its keywords and synonyms (a whole keyword phrase counts most),
its title, its signs, then the rest of its text. The stems are computed when content is loaded and stored with
the situation; the page's offline filter uses the same stored stems (a word matches a stem it starts with).
"""

import re

from .tells import stem

WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
NEGATIONS = {"не", "ни", "нет", "без"}
STOP = {"и", "в", "во", "на", "с", "со", "к", "ко", "у", "о", "об", "от", "до", "по", "за", "из", "а", "но",
        "что", "как", "это", "так", "уже", "ещё", "еще", "же", "ли", "бы", "то", "там", "тут", "вот", "я", "мы",
        "вы", "он", "она", "они", "оно", "меня", "нас", "нам", "мне", "вас", "их", "его", "её", "ее", "им",
        "мой", "моя", "наш", "наша", "наши", "ваш", "при", "для", "или", "очень", "всё", "все", "просто",
        "сейчас", "тоже", "чтобы", "когда", "где", "кто", "тот", "эта", "этот", "этих", "свой"}
WEIGHTS = {"keywords": 6.0, "title": 4.0, "signs": 2.0, "body": 0.5}
PHRASE_BONUS = 8.0
MIN_PREFIX = 4


def tokens(text: str) -> list[str]:
    """Stems of a text's words, stop words dropped and negations joined to the next word."""
    result, negation = [], None
    for word in WORD_RE.findall((text or "").lower().replace("ё", "е")):
        if word in NEGATIONS:
            negation = "не" if word != "без" else "без"
            if word == "нет":
                result.append("нет")
            continue
        if word in STOP:
            continue
        stemmed = stem(word)
        result.append(f"{negation}+{stemmed}" if negation else stemmed)
        negation = None
    return result


def _plain(term: str) -> str:
    return term.split("+", 1)[-1]


def document_terms(texts: dict[str, str], keywords: list[str]) -> dict:
    """What a situation is found by: {field: [stems]} and the keyword phrases as stem lists."""
    fields = {name: sorted(set(tokens(texts.get(name, "")))) for name in WEIGHTS}
    return {"fields": fields, "phrases": [t for t in (tokens(k) for k in keywords) if t]}


def _match(term: str, stems: set[str]) -> float:
    """1 for the same stem; 0.7 for the same word without its negation (the text says «не допускать…»);
    0.5 when one is a prefix of the other (typing not finished, a suffix Snowball left on)."""
    if term in stems:
        return 1.0
    plain = _plain(term)
    if plain != term and plain in stems:
        return 0.7
    if len(plain) >= MIN_PREFIX and any(_plain(s).startswith(plain) or
                                        (len(_plain(s)) >= MIN_PREFIX and plain.startswith(_plain(s)))
                                        for s in stems):
        return 0.5
    return 0.0


def score(query_terms: list[str], terms: dict) -> float:
    """How well a situation's stored terms answer the query's terms (0: not at all)."""
    if not query_terms:
        return 0.0
    total = 0.0
    for field, weight in WEIGHTS.items():
        stems = set(terms["fields"].get(field, []))
        total += weight * sum(_match(t, stems) for t in query_terms)
    query = set(query_terms)
    for phrase in terms["phrases"]:
        if set(phrase) <= query:
            total += PHRASE_BONUS * len(phrase)
    return total


def rank(query: str, situations: list, terms_of=lambda s: s.terms, limit: int = 5) -> list:
    """The situations that answer a query, best first (each must reach a keyword, title or sign)."""
    query_terms = tokens(query)
    scored = []
    for situation in situations:
        terms = terms_of(situation)
        strong = sum(_match(t, set(terms["fields"][f])) for t in query_terms for f in ("keywords", "title", "signs"))
        if strong:
            scored.append((score(query_terms, terms), situation))
    scored.sort(key=lambda pair: -pair[0])
    return [s for _, s in scored[:limit]]

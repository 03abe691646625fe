"""Articles of the election law as content cites them, and the index article → sections, questions.

A citation names an article as «ст. N» (N like 43 or 20-1); paragraphs («п.», «пп.») narrow it but an
amendment is recorded per article, so the index keys on the article alone.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..models import Module, Question, Quiz, Section
from . import history
from .frontmatter import ContentError

CITATION = re.compile(r"ст\.\s*(\d+(?:-\d+)?)")
ARTICLE = re.compile(r"^(?:ст\.\s*)?(\d+(?:-\d+)?)$")


def cited(text: str) -> list[str]:
    """The articles a text cites («ст. 20-1 п. 2; ст. 43» → ["20-1", "43"]), in order, each once."""
    return list(dict.fromkeys(CITATION.findall(text or "")))


def parse_list(raw: str) -> tuple[list[str], list[str]]:
    """An `articles:` value («ст. 20-1, ст. 43» or «20-1; 43») → (articles, items that are not one)."""
    articles, bad = [], []
    for item in re.split(r"[,;]", raw):
        item = item.strip()
        if m := ARTICLE.match(item):
            articles.append(m.group(1))
        elif item:
            bad.append(item)
    return list(dict.fromkeys(articles)), bad


def sort_key(article: str) -> tuple[int, ...]:
    return tuple(int(part) for part in article.split("-"))


def label(article: str) -> str:
    return f"ст. {article}"


@dataclass
class ArticleEntry:
    article: str
    sections: list[tuple[Module, Section]] = field(default_factory=list)
    questions: list[tuple[Quiz, Question]] = field(default_factory=list)

    @property
    def label(self):
        return label(self.article)


def by_section(session) -> dict[int, list[str]]:
    """{section_id: articles} from each section's current version."""
    return {sid: version.articles for sid, version in history.current_sections(session).items()}


def index(session, only: set[str] | None = None) -> list[ArticleEntry]:
    """Every cited article (or only these) with the sections and active questions citing it, in article order."""
    entries: dict[str, ArticleEntry] = {}

    def entry(article):
        return entries.setdefault(article, ArticleEntry(article))
    cites = by_section(session)
    modules = session.scalars(select(Module).options(selectinload(Module.sections)).order_by(Module.position))
    for module in modules:
        for section in module.sections:
            for article in cites.get(section.id, []):
                if only is None or article in only:
                    entry(article).sections.append((module, section))
    rows = session.execute(select(Quiz, Question).join(Question, Question.quiz_id == Quiz.id)
                           .where(Question.active).order_by(Quiz.slug, Question.position))
    for quiz, question in rows:
        for article in cited(question.data.get("article", "")):
            if only is None or article in only:
                entry(article).questions.append((quiz, question))
    return sorted(entries.values(), key=lambda e: sort_key(e.article))


def section_articles(parsed, path: str) -> list[str]:
    """A section's articles: its `articles:` list, checked (each item an article, and every article its text
    cites listed); a section without the field falls back to the articles its text cites."""
    body = cited("\n".join(parsed.body_lines))
    if "articles" not in parsed.fields:
        return body
    line = parsed.field_lines["articles"]
    listed, bad = parse_list(parsed.fields["articles"])
    for item in bad:
        parsed.errors.append(ContentError(path, line, f"articles: «{item}» — не статья; пишите «ст. 20-1, ст. 43»"))
    missing = [a for a in body if a not in listed]
    if missing:
        names = ", ".join(label(a) for a in missing)
        parsed.errors.append(ContentError(path, line, f"articles: текст ссылается на {names}, а в списке их нет"))
    return listed


def question_errors(spec) -> list[ContentError]:
    """Each question's `article:` names at least one article («ст. N») or says it is the school's practice."""
    return [ContentError(spec.path, q.line, f"вопрос {q.key}: article — «ст. N п. M» или «практика школы»")
            for q in spec.questions
            if q.data.get("article") and not cited(q.data["article"]) and "практика" not in q.data["article"]]

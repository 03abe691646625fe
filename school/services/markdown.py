"""Markdown to safe HTML. Python-Markdown does not sanitise, so nh3 does."""

import markdown as md
import nh3

EXTENSIONS = ["tables", "sane_lists", "fenced_code", "md_in_html", "smarty"]
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}


def render(text: str) -> str:
    """Render author Markdown to HTML with only harmless tags and attributes left."""
    html = md.markdown(text, extensions=EXTENSIONS, output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer")

"""User Markdown → sanitized HTML. The only source of HTML that templates may mark safe.

Rendering takes milliseconds, so callers store the result beside the text when it is saved
(``bio`` → ``bio_html``) instead of rendering on every view.
"""

import markdown as md
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str | None) -> str:
    """Markdown written by a person, as HTML safe to put in a page.

    Raw HTML is escaped rather than passed through; links keep only http(s)/mailto targets and
    open without leaking who referred the reader.
    """
    if not text:
        return ""
    converter = md.Markdown(extensions=["sane_lists", "tables", "fenced_code"])
    # People write text here, not markup: without its raw-HTML rules, Markdown escapes any
    # tag like the rest of the text (once, so `a < b` in code reads as written).
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return sanitize_html(converter.convert(text))


def sanitize_html(html: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )

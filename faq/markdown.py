"""Markdown written by staff, turned into HTML that is safe to show to patients.

Staff write answers in Markdown; raw HTML in it is not trusted. Markdown's output is passed
through nh3 (the Rust ammonia sanitiser) with a short allowlist, so a pasted <script>, an event
attribute or a javascript: link comes out inert whatever Markdown made of it.
"""

import re

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = frozenset(
    {"p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "br", "blockquote", "code"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
# Answers sit under the page's own h1 and h2s, so a "#" or "##" heading in an answer becomes an
# h3 and anything deeper an h4: the page's heading order stays intact.
_TOP_HEADING = re.compile(r"<(/?)h[12]>")
_DEEP_HEADING = re.compile(r"<(/?)h[56]>")
# Relative links (to other pages of the site) are kept too: ammonia passes them through.
# tel: lets a phone number be tapped to call (the "When to get help" advice has one).
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def render_markdown(text: str) -> str:
    """Render staff-written Markdown to sanitised HTML (only ALLOWED_TAGS survive)."""
    html = markdown_lib.markdown(text, extensions=["sane_lists"], output_format="html")
    html = _DEEP_HEADING.sub(r"<\1h4>", _TOP_HEADING.sub(r"<\1h3>", html))
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        # Drop these with their content: the text of a script is no use to a reader.
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )

"""faq.markdown.render_markdown: staff Markdown in, safe HTML out."""

import pytest

from faq.markdown import render_markdown


def test_paragraphs_lists_and_emphasis_are_kept():
    html = render_markdown(
        "Intro with **bold** and *italic*.\n\n- one\n- two\n\n1. first\n2. second"
    )
    assert "<p>Intro with <strong>bold</strong> and <em>italic</em>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_quotes_code_and_subheadings_are_kept():
    html = render_markdown("### Before\n\n#### Detail\n\n> quoted\n\nUse `SPF 30`.")
    assert "<h3>Before</h3>" in html
    assert "<h4>Detail</h4>" in html
    assert "<blockquote>" in html
    assert "<code>SPF 30</code>" in html


def test_top_level_headings_become_h3_so_the_page_keeps_one_h1():
    html = render_markdown("# Big\n\n## Also big\n\n###### Tiny")
    assert "<h1" not in html
    assert "<h2" not in html
    assert "<h3>Big</h3>" in html
    assert "<h3>Also big</h3>" in html
    assert "<h4>Tiny</h4>" in html


def test_script_tags_are_removed_with_their_content():
    html = render_markdown(
        "Hello <script>alert('x')</script> world\n\n<script src=//evil.example/x.js></script>"
    )
    assert "<script" not in html.lower()
    assert "alert" not in html
    assert "evil.example" not in html
    assert "Hello" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="  javascript:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
    ],
)
def test_dangerous_link_schemes_lose_their_href(source):
    html = render_markdown(source)
    assert "click" in html
    assert "href" not in html
    assert "javascript" not in html.lower()


@pytest.mark.parametrize(
    "source",
    [
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        '<p onmouseover="alert(1)">x</p>',
        "<img src=x onerror=alert(1)>",
        '<svg onload="alert(1)"><circle /></svg>',
        '<strong style="background:url(javascript:alert(1))" class="x" id="y">x</strong>',
        '<iframe src="https://evil.example"></iframe>',
    ],
)
def test_event_attributes_styles_and_foreign_tags_are_removed(source):
    html = render_markdown(source).lower()
    for forbidden in (
        "onclick",
        "onmouseover",
        "onerror",
        "onload",
        "style",
        "<img",
        "<svg",
        "<iframe",
        "javascript",
        "class=",
        "id=",
    ):
        assert forbidden not in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[site](https://example.com/page)", 'href="https://example.com/page"'),
        ("[plain](http://example.com)", 'href="http://example.com"'),
        ("[mail](mailto:hello@example.com)", 'href="mailto:hello@example.com"'),
        ("[aftercare](/aftercare/)", 'href="/aftercare/"'),
        ("[sibling](downtime/)", 'href="downtime/"'),
    ],
)
def test_http_https_mailto_and_relative_links_are_kept(source, href):
    html = render_markdown(source)
    assert href in html
    # Links to other sites must not get a handle on this page's window.
    assert 'rel="noopener noreferrer"' in html


def test_raw_html_outside_the_allowlist_keeps_only_its_text():
    html = render_markdown("<div><span>Kept text</span><table><tr><td>cell</td></tr></table></div>")
    assert "Kept text" in html
    for tag in ("<div", "<span", "<table", "<td"):
        assert tag not in html


def test_special_characters_are_escaped():
    html = render_markdown("Use 5 < 6 & AHA\N{RIGHT SINGLE QUOTATION MARK}s “active” ingredients")
    assert "5 &lt; 6 &amp; AHA\N{RIGHT SINGLE QUOTATION MARK}s “active” ingredients" in html

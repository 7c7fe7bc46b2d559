"""render_markdown(): the only source of trusted HTML."""

import pytest

from cohort.markdown import render_markdown, sanitize_html


def test_markdown_becomes_html():
    html = render_markdown("**Keep**: weekly review\n\n- one\n- two")
    assert "<strong>Keep</strong>" in html
    assert "<li>one</li>" in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_dangerous_link_targets_are_stripped(text):
    html = render_markdown(text)
    assert "javascript" not in html.lower()
    assert "data:" not in html
    assert "vbscript" not in html.lower()
    assert "click" in html


def test_raw_html_is_shown_as_text_not_run():
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_sanitizer_drops_event_attributes_inline_styles_and_unknown_tags():
    html = sanitize_html(
        '<a href="https://example.org" onclick="x()" style="color:red">a</a>'
        '<iframe src="https://example.org"></iframe><p onmouseover="x()">p</p>'
    )
    assert "onclick" not in html
    assert "onmouseover" not in html
    assert "style" not in html
    assert "iframe" not in html
    assert 'href="https://example.org"' in html


def test_safe_links_are_kept_and_do_not_leak_the_referrer():
    html = render_markdown("[my portfolio](https://example.org/me)")
    assert 'href="https://example.org/me"' in html
    assert "noopener" in html
    assert "noreferrer" in html


def test_block_quotes_and_tables_work():
    html = render_markdown("> a quote\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<blockquote>" in html
    assert "<table>" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_code_is_escaped_once():
    assert render_markdown("use `a < b && c` here") == (
        "<p>use <code>a &lt; b &amp;&amp; c</code> here</p>"
    )
    assert render_markdown("```\nif x < y:\n```") == "<pre><code>if x &lt; y:\n</code></pre>"
    assert render_markdown("Fish & chips < tea") == "<p>Fish &amp; chips &lt; tea</p>"

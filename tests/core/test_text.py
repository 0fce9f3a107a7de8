"""Untrusted text: escapes and controls removed, markup kept literally, HTML made readable."""

from __future__ import annotations

import pytest

from syncro_tui.core.text import clean, html_to_text, looks_like_html, one_line, same_comment_text

ESC = "\x1b"


# -- clean ------------------------------------------------------------------------------------


def test_markup_looking_text_is_kept_literally():
    assert clean("[bold]x[/]") == "[bold]x[/]"
    assert clean("[link=https://evil]click[/link] [red]") == "[link=https://evil]click[/link] [red]"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"{ESC}[2Jcleared", "cleared"),  # erase display
        (f"a{ESC}[1;31mred{ESC}[0mb", "aredb"),  # SGR with parameters
        (f"{ESC}[38;2;255;0;0mrgb", "rgb"),  # truecolour
        (f"{ESC}[?1049halt", "alt"),  # private mode (alternate screen)
        (f"x{ESC}[12;40Hy", "xy"),  # cursor position
        ("\x9b31mC1 CSI", "C1 CSI"),  # 8-bit CSI
    ],
)
def test_csi_sequences_are_removed_with_their_parameters(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        f"before{ESC}]0;pwned title\x07after",  # OSC title, BEL-terminated
        f"before{ESC}]2;pwned title{ESC}\\after",  # OSC title, ST-terminated
        f"before{ESC}]8;;https://evil.example{ESC}\\after",  # OSC 8 hyperlink
        f"before{ESC}]52;c;ZXZpbA=={ESC}\\after",  # OSC 52 clipboard write
        "before\x9d0;title\x9cafter",  # 8-bit OSC and ST
        f"before{ESC}Pq#0;2;0;0;0{ESC}\\after",  # DCS (sixel)
        f"before{ESC}_Gf=100;payload{ESC}\\after",  # APC (kitty graphics)
        f"before{ESC}^privacy message{ESC}\\after",  # PM
        f"before{ESC}Xstart of string{ESC}\\after",  # SOS
    ],
)
def test_string_sequences_are_removed_entirely(raw):
    assert clean(raw) == "beforeafter"


def test_an_unterminated_string_sequence_loses_its_introducer_but_keeps_the_text():
    assert clean(f"a{ESC}]0;title without end") == "a0;title without end"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"{ESC}cReset", "Reset"),  # RIS: full terminal reset
        (f"{ESC}(0qqq{ESC}(B", "qqq"),  # charset switching
        (f"{ESC}7saved{ESC}8", "saved"),  # save/restore cursor
        (f"lone{ESC}", "lone"),
        (f"{ESC}{ESC}[", ""),
    ],
)
def test_other_escapes_and_lone_esc_are_removed(raw, expected):
    assert clean(raw) == expected


def test_control_characters_go_but_newline_and_tab_stay():
    raw = "a\x00b\x07c\x08d\x7fe\x85f\x9fg\th\ni"
    assert clean(raw) == "abcdefg\th\ni"


def test_carriage_returns_become_newlines_so_text_cannot_overwrite_itself():
    assert clean("line1\r\nline2\rFAKE") == "line1\nline2\nFAKE"


def test_bidi_controls_are_removed():
    # "Trojan Source": an override makes "admin" + reversed text render misleadingly.
    raw = "user\u202eexe.txt\u202c \u2066isolate\u2069 \u200fmark\u200e \u061c"
    assert clean(raw) == "userexe.txt isolate mark "


def test_unicode_and_emoji_including_joiners_are_kept():
    text = "Café – 東京 👩‍💻 🇩🇪 ✔️ naïve"
    assert clean(text) == text


def test_lone_surrogates_become_replacement_characters():
    assert clean("bad \ud83d here") == "bad \ufffd here"


def test_none_and_non_strings():
    assert clean(None) == ""
    assert clean(32164) == "32164"


# -- html_to_text -----------------------------------------------------------------------------


def test_blocks_and_br_become_line_breaks():
    html = "<div>Hi Jerry,</div><p>The printer<br>is down<br/>again.</p><p>Thanks</p>"
    assert html_to_text(html) == "Hi Jerry,\n\nThe printer\nis down\nagain.\n\nThanks"


def test_entities_are_decoded():
    assert html_to_text("<p>Tom &amp; Jerry &lt;3 &quot;caf&eacute;&quot;&nbsp;&#8364;5</p>") == (
        'Tom & Jerry <3 "café" €5'
    )


def test_scripts_styles_and_head_are_dropped():
    html = (
        "<html><head><title>Mail</title><style>p{color:red}</style></head>"
        "<body><script>alert(1)</script><p>Visible</p></body></html>"
    )
    assert html_to_text(html) == "Visible"


def test_whitespace_collapses_like_a_browser_except_in_pre():
    html = "<p>  lots   of\n   space  <b> here </b> </p><pre>  keep\n    this</pre>"
    assert html_to_text(html) == "lots of space here\n\n  keep\n    this"


def test_runs_of_blank_lines_collapse_to_one():
    html = "<p>a</p><p></p><br><br><br><div></div><p>b</p>"
    assert html_to_text(html) == "a\n\nb"


def test_lists_and_tables_stay_readable():
    html = "<ul><li>one</li><li>two</li></ul><table><tr><td>PC</td><td>broken</td></tr></table>"
    assert html_to_text(html) == "- one\n- two\n\nPC broken"


def test_links_keep_their_target():
    html = (
        '<p><a href="https://portal.example/t/1">the portal</a>, '
        '<a href="mailto:bob@example.com">bob@example.com</a>, '
        '<a href="javascript:evil()">x</a></p>'
    )
    assert html_to_text(html) == "the portal (https://portal.example/t/1), bob@example.com, x"


def test_html_output_is_cleaned():
    assert html_to_text(f"<p>{ESC}[2Jgone{ESC}]0;title\x07</p>") == "gone"
    # References to C0 controls decode to nothing and C1 ones to Windows-1252 (HTML5 rules):
    # no escape can be smuggled in as an entity.
    assert html_to_text("<p>&#27;[2Jx &#x9b;31m&#7;</p>") == "[2Jx ›31m"
    assert html_to_text("<p>[bold]kept[/]</p>") == "[bold]kept[/]"


def test_malformed_html_does_not_raise():
    assert html_to_text("<p>unclosed <b>bold <div>and</p> <<< >>") == "unclosed bold\nand\n\n<<< >>"
    assert html_to_text("") == ""


# -- looks_like_html --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<p>Hello</p>",
        "line<br/>line",
        "<DIV class='x'>y</DIV>",
        "Tom &amp; Jerry",
        "<!DOCTYPE html>",
    ],
)
def test_html_is_recognised(text):
    assert looks_like_html(text)


@pytest.mark.parametrize(
    "text", ["press <Enter> to go on", "a < b > c", "[bold]x[/]", "AT&T", "", "<bob@example.com>"]
)
def test_plain_text_is_not_mistaken_for_html(text):
    assert not looks_like_html(text)


# -- one_line ---------------------------------------------------------------------------------


def test_one_line_joins_lines_and_collapses_whitespace():
    assert one_line("  Printer\r\n down\t\tagain \x1b[31m!  ") == "Printer down again !"


def test_one_line_cuts_to_width_with_an_ellipsis():
    assert one_line("Own cloud thing again", 10) == "Own cloud…"
    assert one_line("Own cloud thing again", 10, ellipsis="...") == "Own clo..."
    assert one_line("short", 10) == "short"
    assert one_line("exactly10!", 10) == "exactly10!"
    assert one_line("abc", 0) == ""
    assert one_line("abc", 2, ellipsis="...") == ".."


def test_one_line_counts_wide_characters_as_two_cells():
    assert one_line("東京都の天気", 7) == "東京都…"  # 3 wide chars (6 cells) + ellipsis
    assert one_line("a👩‍💻b", 10) == "a👩‍💻b"
    assert one_line("café au lait", 5) == "café…"


# --------------------------------------------------------------- comparing read-back bodies


@pytest.mark.parametrize(
    "posted, read_back",
    [
        ("a & b", "a &amp; b"),
        ("line one\nline two", "line one<br>line two"),
        ("line one\nline two", "<p>line one</p><p>line two</p>"),
        ("trailing spaces   \n", "trailing spaces"),
        ("<b>typed as text</b>", "&lt;b&gt;typed as text&lt;/b&gt;"),
        ("<b>typed as text</b>", "<b>typed as text</b>"),
        ("caf\u00e9", "cafe\u0301"),
        ("non\u00a0breaking", "non&nbsp;breaking"),
        ("x < y > z", "x &lt; y &gt; z"),
    ],
)
def test_a_body_read_back_reformatted_is_the_same_comment(posted, read_back):
    assert same_comment_text(posted, read_back)


@pytest.mark.parametrize(
    "posted, read_back",
    [
        ("Rebooted the switch.", "Rebooted the router."),
        ("Rebooted.", "Rebooted. Will check tomorrow."),
        ("a & b", "a &amp; c"),
        ("", "anything"),
    ],
)
def test_different_text_is_not_the_same_comment(posted, read_back):
    assert not same_comment_text(posted, read_back)

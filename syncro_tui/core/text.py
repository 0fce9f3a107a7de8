"""Make untrusted text from the API safe and readable in a terminal.

Subjects, comment bodies and names come from customers' e-mails. Written to the terminal as
they are, an escape sequence in them could clear the screen, set the window title, or worse,
and bidi overrides could make text read differently from what it is. ``clean`` removes all of
that and returns plain text. It never interprets markup, so "[bold]" stays "[bold]": renderers
must still show the result as plain text (``rich.text.Text`` or ``markup=False``).

Stdlib only: row subjects are cleaned while the cached queue is painted at start-up.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["clean", "html_to_text", "looks_like_html", "one_line"]

_ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]          # CSI, e.g. ESC[2J, ESC[1;31m
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])                        # OSC DCS SOS PM APC ...
      [^\x07\x1b\x80-\x9f]* (?:\x07|\x1b\\|\x9c)                     # ... up to BEL or ST
    | \x1b [\x20-\x2f]* [\x30-\x7e]                                  # other ESC sequences
    """,
    re.VERBOSE,
)
"""Whole sequences, so their parameters do not linger as litter. An unterminated string
sequence is not matched: its introducer goes as a single ESC below and its text stays visible
(a terminal would swallow it, but then it would also swallow everything after it)."""

_LINE_BREAKS = {ord("\r"): "\n", 0x0B: "\n", 0x0C: "\n", 0x2028: "\n", 0x2029: "\n"}
_BIDI_CONTROLS = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TRANSLATION = {
    **{c: None for c in range(0x20) if c not in (0x09, 0x0A)},  # C0 controls incl. ESC and BEL
    0x7F: None,
    **{c: None for c in range(0x80, 0xA0)},  # C1 controls: 8-bit CSI, OSC, ...
    **{c: None for c in _BIDI_CONTROLS},  # embeddings, overrides, isolates, marks
    **{c: "\ufffd" for c in range(0xD800, 0xE000)},  # lone surrogates cannot be written out
    **_LINE_BREAKS,
}


def clean(text: object) -> str:
    """Plain text without escape sequences, control characters (except newline and tab) or
    bidi controls. Unicode and emoji (including joiners) are kept; ``None`` gives ""."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if text.isprintable():  # the common case: nothing to remove
        return text
    return _ESCAPE_SEQUENCES.sub("", text.replace("\r\n", "\n")).translate(_TRANSLATION)


_HTML_HINT = re.compile(
    r"<(?:/?(?:a|b|blockquote|body|br|center|div|em|font|h[1-6]|head|hr|html|i|img|li|meta|ol"
    r"|p|pre|span|strong|style|table|tbody|td|th|thead|tr|u|ul)\b[^>]*|!doctype\b[^>]*)>"
    r"|&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-f]+);",
    re.IGNORECASE,
)


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds common HTML tags or entities.

    Only known tag names count, so plain text such as "press <Enter>" or "a < b > c" is not
    mistaken for HTML (and does not lose words to the tag stripper).
    """
    return bool(text) and _HTML_HINT.search(text) is not None


_PARAGRAPH_TAGS = frozenset(
    {"blockquote", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "table", "ul"}
)
_LINE_TAGS = frozenset(
    {
        "address", "article", "aside", "dd", "div", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "header", "hr", "li", "main", "nav", "section", "tr",
    }
)  # fmt: skip
_HIDDEN_TAGS = frozenset({"head", "script", "style", "template", "title"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_LINK_SCHEMES = ("http://", "https://", "mailto:")


class _TextRules:
    """Collects the text of an HTML document with line breaks where blocks begin and end.

    Runs of whitespace collapse to one space as a browser would, except inside <pre>.
    Mixed into ``html.parser.HTMLParser`` by ``_extractor`` on first use: the import (html,
    html.entities, html.parser: 8-13 ms of CPU) no longer runs before the TUI's first paint.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # type: ignore[call-arg]
        self.parts: list[str] = []
        self._newlines = 2  # trailing newlines in the output; the start counts as a break
        self._hidden = 0
        self._pre = 0
        self._links: list[tuple[str, int]] = []  # (href, index in parts where its text begins)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag == "br":
            self._emit("\n")
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._break(2 if tag in _PARAGRAPH_TAGS else 1)
            if tag == "li":
                self._emit("- ")
            elif tag == "pre":
                self._pre += 1
        elif tag in ("td", "th") and not self._at_space():
            self._emit(" ")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            self._links.append((href, len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._break(2 if tag in _PARAGRAPH_TAGS else 1)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            shown = "".join(self.parts[start:])
            target = href.removeprefix("mailto:")
            if href.lower().startswith(_LINK_SCHEMES) and target not in shown:
                self._emit(f" ({target})" if shown.strip() else target)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if not self._pre:
            data = _HTML_SPACE.sub(" ", data)
            if self._at_space():
                data = data.lstrip(" ")
        self._emit(data)

    def _at_space(self) -> bool:
        """At a line start or after a space, where HTML whitespace adds nothing."""
        return bool(self._newlines) or self.parts[-1].endswith(" ")

    def _emit(self, text: str) -> None:
        if not text:
            return
        self.parts.append(text)
        stripped = text.rstrip("\n")
        if stripped:
            self._newlines = len(text) - len(stripped)
        else:
            self._newlines += len(text)

    def _break(self, newlines: int) -> None:
        """End the current line, leaving ``newlines`` line breaks (a blank line for 2)."""
        if self._newlines < newlines:
            self._emit("\n" * (newlines - self._newlines))


_EXTRACTOR: Any = None


def _extractor() -> Any:
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from html.parser import HTMLParser

        _EXTRACTOR = type("_TextExtractor", (_TextRules, HTMLParser), {})
    return _EXTRACTOR


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML comment body or e-mail.

    Blocks and <br> become line breaks (paragraphs a blank line), entities are decoded,
    <script>/<style>/<head> are dropped, links keep their target in parentheses, runs of blank
    lines collapse to one. The result has been through ``clean``.
    """
    parser = _extractor()()
    parser.feed(html or "")
    parser.close()
    text = clean("".join(parser.parts).replace("\xa0", " "))
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def comparable_forms(text: object) -> frozenset[str]:
    """The ways a comment body or subject may read back from Syncro, for verification.

    A body can come back as posted or reformatted by a rich-text tenant (line breaks as
    ``<br>``/``<p>``, ``& < >`` as entities, trailing whitespace trimmed), and a posted body
    may itself hold text that looks like HTML. So each side is taken both as plain text and as
    HTML turned into text, each with Unicode composed and whitespace folded; two texts are the
    same comment when their forms meet (``a & b`` meets ``a &amp; b``; ``<b>x</b>`` typed as
    text meets ``&lt;b&gt;x&lt;/b&gt;``)."""
    raw = unicodedata.normalize("NFC", "" if text is None else str(text))
    forms = {" ".join(clean(raw).split())}
    if "<" in raw or "&" in raw:
        forms.add(" ".join(html_to_text(raw).split()))
    return frozenset(forms)


def same_comment_text(posted: object, read_back: object) -> bool:
    """True when ``read_back`` is ``posted`` as Syncro may hand it back (see comparable_forms)."""
    return not comparable_forms(posted).isdisjoint(comparable_forms(read_back))


def one_line(text: object, width: int | None = None, *, ellipsis: str = "…") -> str:
    """Clean text on a single line for a list cell: all whitespace runs become one space.

    With ``width`` the result fits in that many terminal cells (wide characters count two),
    ending in ``ellipsis`` when cut; pass ``ellipsis="..."`` for ASCII-only terminals.
    """
    line = " ".join(clean(text).split())
    if width is None:
        return line
    width = max(width, 0)
    if _cells(line) <= width:
        return line
    mark = _fit(ellipsis, width)
    return _fit(line, width - _cells(mark)) + mark


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes (an approximation of wcwidth, good for list cells)."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(ch) for ch in text)


def _fit(text: str, cells: int) -> str:
    """The longest start of ``text`` that fits in ``cells`` (keeping trailing combiners)."""
    if text.isascii():
        return text[:cells]
    used = 0
    for i, ch in enumerate(text):
        used += _char_cells(ch)
        if used > cells:
            return text[:i]
    return text

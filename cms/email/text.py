"""Plain-text composition for the text part of an e-mail.

Blocks write their own text; rich text is converted here so paragraphs, lists and links
survive as readable text, with every link numbered and listed at the end.
"""

import unicodedata
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

from cms.bidi import RLM, is_rtl

WIDTH = 72


class Links:
    """Numbered links of one message, listed once each at the end of the text part."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/") + "/"
        self.urls: list[str] = []

    def absolute(self, url: str) -> str:
        if url.startswith(("http://", "https://", "mailto:", "tel:", "%%")):
            return url
        return urljoin(self.base_url, url)

    def number(self, url: str) -> int:
        url = self.absolute(url)
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def cite(self, label: str, url: str) -> str:
        """``label [n]``: the label stays readable, the URL waits in the list."""
        return f"{label} [{self.number(url)}]"

    def listing(self) -> str:
        return "\n".join(f"[{n}] {url}" for n, url in enumerate(self.urls, start=1))

    def cite_row(self, *labelled: tuple[str, str]) -> str:
        """``Google [4] · Outlook.com [5]``: links side by side, worded as the HTML
        part's row. In a right-to-left language a right-to-left mark follows each
        dot, as in the HTML: otherwise the two English names make one left-to-right
        run and show in the wrong order."""
        dot = f" ·{RLM if is_rtl() else ''} "
        return dot.join(self.cite(label, url) for label, url in labelled)


# Kinsoku basics: a line never starts with closing punctuation ("311。" must not leave
# "。" alone) and never ends with opening punctuation.
NO_LINE_START = set(
    "、。，．・：；？！）」』】〕〉》〗〙〛”’ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ,.;:!?)]}%"
)
NO_LINE_END = set("（「『【〔〈《〖〘〚“‘([{")


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced mail client: Chinese (East Asian Wide or
    Fullwidth) characters take two, combining marks and format characters none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in {
            "Mn",
            "Me",
            "Cf",
        }:
            continue
        width += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return width


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in {"W", "F"}


def _pieces(word: str) -> list[str]:
    """A space-free word cut where a line may break: beside a wide (CJK) character,
    as Chinese has no spaces, but not before closing nor after opening punctuation."""
    pieces, start = [], 0
    for i in range(1, len(word)):
        before, after = word[i - 1], word[i]
        if (
            (_is_wide(before) or _is_wide(after))
            and after not in NO_LINE_START
            and before not in NO_LINE_END
        ):
            pieces.append(word[start:i])
            start = i
    pieces.append(word[start:])
    return pieces


def wrap(text: str, indent: str = "") -> str:
    """Fill the text to WIDTH display columns, like ``textwrap.fill`` but measuring
    wide characters as two columns and breaking Chinese between characters. Words
    longer than a line (URLs) stay whole."""
    words = text.split()
    if not words:
        return ""
    lines: list[str] = []
    line, width = indent, display_width(indent)
    empty = True  # nothing but the indent on the line yet
    for word in words:
        for n, piece in enumerate(_pieces(word)):
            gap = " " if n == 0 and not empty else ""
            piece_width = display_width(piece)
            if not empty and width + len(gap) + piece_width > WIDTH:
                lines.append(line)
                line = " " * display_width(indent)
                width, gap = len(line), ""
            line += gap + piece
            width += len(gap) + piece_width
            empty = False
    lines.append(line)
    return "\n".join(lines)


class _RichTextToText(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "div"}

    def __init__(self, links: Links):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.prefix = ""
        self.list_stack: list[list] = []
        self.href: str | None = None
        self.link_text: list[str] = []

    def flush(self):
        text = "".join(self.current).strip()
        if text:
            self.paragraphs.append((wrap(text, self.prefix), bool(self.prefix)))
        self.current, self.prefix = [], ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self.flush()
        if tag in {"ul", "ol"}:
            self.flush()
            self.list_stack.append([tag, 0])
        elif tag == "li" and self.list_stack:
            kind = self.list_stack[-1]
            kind[1] += 1
            self.prefix = f"{kind[1]}. " if kind[0] == "ol" else "- "
        elif tag == "br":
            self.current.append(" ")
        elif tag == "a" and attrs.get("href"):
            self.href, self.link_text = attrs["href"], []

    def handle_endtag(self, tag):
        if tag == "a" and self.href is not None:
            label = "".join(self.link_text).strip()
            self.current.append(self.links.cite(label or self.href, self.href))
            self.href = None
        elif tag in {"ul", "ol"} and self.list_stack:
            self.flush()
            self.list_stack.pop()
        elif tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data):
        if self.href is not None:
            self.link_text.append(data)
        else:
            self.current.append(data)


def html_to_text(html: str, links: Links) -> str:
    """Readable text from rich-text HTML: paragraphs, list items, numbered links."""
    parser = _RichTextToText(links)
    parser.feed(str(html))
    parser.close()
    parser.flush()
    out = []
    previous_item = False
    for text, is_item in parser.paragraphs:
        if out:
            out.append("\n" if is_item and previous_item else "\n\n")
        out.append(text)
        previous_item = is_item
    return unescape("".join(out))

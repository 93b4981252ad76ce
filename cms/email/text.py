"""Plain-text composition for the text part of an e-mail.

Blocks write their own text; rich text is converted here so paragraphs, lists and links
survive as readable text, with every link numbered and listed at the end.
"""

import textwrap
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

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


def wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_long_words=False,
        break_on_hyphens=False,
    )


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

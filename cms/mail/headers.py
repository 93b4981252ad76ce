"""Subject and address headers encoded so that every reader's mail program shows them
exactly as written (RFC 2047 encoded words).

Python's email package (which Django uses) cuts an encoded word wherever its bytes run
out: between a Hindi consonant and its vowel sign (क|ा), inside a conjunct, and a
program that shows each word on its own draws a dotted circle; its address parser also
reads a space into every cut ("का क ार्यालय"). It folded a long Subject before its first
word too, so the header started with a space. Here words are cut after a space where
one fits, else between grapheme clusters, and each is short enough to sit on the
header's first line; the encoded words are joined by plain spaces, which decoders drop
and the generator folds at.
"""

import base64
import re
import unicodedata
from email.utils import formataddr, getaddresses

# '=?utf-8?b?' + 48 base64 characters + '?=' is 62: with "Reply-To: " in front a
# header's first line stays within 78 characters.
MAX_WORD_BYTES = 36
_PIECES = re.compile(r"\S+\s*|\s+")
_JOINERS = {"\u200c", "\u200d"}
ADDRESS_HEADERS = {"from", "to", "cc", "bcc", "reply-to", "sender"}


def _joins_previous(previous: str, char: str) -> bool:
    """Whether ``char`` belongs to the grapheme cluster ``previous`` ends (UAX 29, the
    rules that matter for our six languages: marks, joiners, Indic conjuncts, emoji
    modifiers)."""
    if unicodedata.category(char) in ("Mn", "Mc", "Me") or char in _JOINERS:
        return True
    if previous in _JOINERS:
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF:  # skin tone
        return True
    # A virama between two consonants makes one conjunct (GB9c): क्ष is one cluster.
    return unicodedata.combining(previous) == 9 and unicodedata.category(char) == "Lo"


def grapheme_clusters(text: str) -> list[str]:
    """``text`` cut into user-perceived characters."""
    clusters: list[str] = []
    for char in text:
        if clusters and _joins_previous(clusters[-1][-1], char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def _word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def encoded_words(text: str) -> str:
    """``text`` as it goes in a header: as written when ASCII, else encoded words, each
    whole grapheme clusters (cut after a space when one fits), joined by spaces."""
    if text.isascii() or "\n" in text or "\r" in text:
        return text  # a line break is refused by the caller (Django: BadHeaderError)
    chunks: list[str] = []
    current = ""
    for piece in _PIECES.findall(text):
        if _size(current + piece) <= MAX_WORD_BYTES:
            current += piece
            continue
        if current:
            chunks.append(current)
            current = ""
        for cluster in grapheme_clusters(piece):
            if current and _size(current + cluster) > MAX_WORD_BYTES:
                chunks.append(current)
                current = ""
            current += cluster
    if current:
        chunks.append(current)
    return " ".join(_word(chunk) for chunk in chunks)


def encoded_address(value: str) -> str:
    """An address header's value (one or more addresses) with each display name encoded
    as ``encoded_words``; left as written when ASCII."""
    if value.isascii() or "\n" in value or "\r" in value:
        return value
    parts = []
    for name, address in getaddresses([value]):
        local, _, domain = address.rpartition("@")
        if not local.isascii():
            raise ValueError("an address with a non-ASCII local part")
        address = (
            f"{local}@{domain.encode('idna').decode('ascii')}" if local else address
        )
        if name and not name.isascii():
            parts.append(f"{encoded_words(name)} <{address}>")
        else:
            parts.append(formataddr((name, address)))
    return ", ".join(parts)


def encode_header(name: str, value: str) -> str:
    """``value`` ready for header ``name``: ASCII, cut where a reader's program can show
    every piece."""
    if name.lower() in ADDRESS_HEADERS:
        return encoded_address(value)
    return encoded_words(value)


def encode_message_headers(message) -> None:
    """Encode a Django EmailMessage's Subject, From, To, Cc and Reply-To in place (the
    outbox and the SMTP backend: anymail's providers get the text as written, since
    they encode it themselves)."""
    message.subject = encoded_words(str(message.subject))
    message.from_email = encoded_address(str(message.from_email))
    for field in ("to", "cc", "reply_to"):
        setattr(
            message, field, [encoded_address(str(v)) for v in getattr(message, field)]
        )
    for key in list(message.extra_headers):
        if key.lower() in ADDRESS_HEADERS or key.lower() == "subject":
            message.extra_headers[key] = encode_header(
                key, str(message.extra_headers[key])
            )

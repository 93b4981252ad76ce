"""One language's message, MIME-encoded once per batch, with holes for each recipient.

Profiling the SMTP path (issue 5) found most of a message's CPU in building and
flattening Django's EmailMultiAlternatives: a MIME tree, header folding, address parsing
and the encoding of a 15 kB body, for bytes that are the same for every recipient but
for a handful of values. Here the constant text is encoded once, in segments split at
the placeholders, and a recipient costs encoding its own few values and one join.

Both parts are quoted-printable. Every segment and every value is encoded on its own,
starting on a fresh line, and ends with a soft line break (``=`` CRLF) unless it ends
with a line break of its own. A decoder drops soft breaks, so a part decodes to exactly
the substituted text, and no line is longer than 76 whatever a value holds. No line
starts with "." (no dot-stuffing needed on the wire), and the boundary contains
``==``, which quoted-printable text cannot.
"""

import binascii
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.utils import formatdate

from django.conf import settings
from django.core.mail import BadHeaderError
from django.core.mail.message import sanitize_address

from cms.mail.headers import encode_header, encoded_address

from .backends import PLAIN_ADDRESS

CRLF = b"\r\n"
SOFT_BREAK = b"=\r\n"
_LEADING_DOT = b"=2E" + SOFT_BREAK
MAX_HEADER_LINE = 998  # RFC 5322 2.1.1
_HEADERS = policy.compat32.clone(linesep="\r\n")


def encode_piece(text: str) -> bytes:
    """``text`` quoted-printable with CRLF line ends, ending at the start of a line.

    A lone CR or LF is a line break, as in the old path's generator.
    """
    if not text:
        return b""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", CRLF)
    # No line may start with "." (SMTP would need dot-stuffing): a leading dot is
    # written =2E on a line of its own, so the line stays within 76.
    # A loop, since what follows a =2E line may start with a dot again.
    if encoded.startswith(b".") or b"\r\n." in encoded:
        encoded = CRLF + encoded
        while b"\r\n." in encoded:
            encoded = encoded.replace(b"\r\n.", b"\r\n" + _LEADING_DOT)
        encoded = encoded[2:]
    return encoded if text.endswith("\n") else encoded + SOFT_BREAK


def header_lines(pairs: list[tuple[str, str]]) -> bytes:
    """Header lines for (name, value) pairs, refusing CR/LF as Django's messages do.

    Plain ASCII values are written directly; anything else is encoded by
    cms.mail.headers (whole grapheme clusters per encoded word) and folded between
    its words.
    """
    lines = []
    for name, value in pairs:
        if "\n" in value or "\r" in value:
            raise BadHeaderError(f"Header values can't contain newlines ({name})")
        value = encode_header(name, value)
        line = f"{name}: {value}"
        if "\n" in value or not line.isascii():
            lines.append(_HEADERS.fold_binary(name, value))
        elif len(line) <= 78:
            lines.append(line.encode("ascii") + CRLF)
        elif " " not in value and "\t" not in value:
            # One long token (a List-Unsubscribe URL): the email package moves it to
            # a continuation line; the same, without its folding machinery.
            lines.append(f"{name}: \r\n {value}\r\n".encode("ascii"))
        else:
            lines.append(_HEADERS.fold_binary(name, value))
    block = b"".join(lines)
    if any(len(line) > MAX_HEADER_LINE for line in block.split(CRLF)):
        raise ValueError("header line longer than 998 octets")
    return block


def address(value: str) -> str:
    """An address for a header and the SMTP envelope, as Django's SMTP backend writes it."""
    if PLAIN_ADDRESS.fullmatch(value):
        return value
    return encoded_address(value)


def _placeholder_pattern(placeholders: Mapping[str, str]) -> re.Pattern:
    return re.compile("(" + "|".join(map(re.escape, placeholders)) + ")")


def _segments(body: str, placeholders: Mapping[str, str]) -> list[bytes | str]:
    """Encoded constant segments (bytes) alternating with merge keys (str)."""
    pieces: list[bytes | str] = []
    for index, piece in enumerate(_placeholder_pattern(placeholders).split(body)):
        if index % 2:
            pieces.append(placeholders[piece])
        elif piece:
            pieces.append(encode_piece(piece))
    return pieces


@dataclass(frozen=True)
class Prepared:
    """One recipient's message, ready to join: its envelope address and its pieces."""

    to: str
    headers: bytes
    values: dict[str, bytes]


@dataclass(frozen=True)
class Template:
    envelope_from: str
    head: bytes
    body: tuple[bytes | str, ...]

    @classmethod
    def build(
        cls,
        *,
        subject: str,
        from_email: str,
        headers: dict[str, str],
        text: str,
        html: str,
        text_placeholders: Mapping[str, str],
        html_placeholders: Mapping[str, str],
    ) -> "Template":
        boundary = f"==ona.{uuid.uuid4().hex}=="
        head = header_lines(
            [
                ("MIME-Version", "1.0"),
                ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
                ("Subject", subject),
                ("From", from_email),
                ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
                *headers.items(),
            ]
        )
        delimiter = f"--{boundary}".encode("ascii")

        def part(subtype: str) -> bytes:
            return (
                delimiter
                + CRLF
                + header_lines(
                    [
                        ("Content-Type", f'text/{subtype}; charset="utf-8"'),
                        ("Content-Transfer-Encoding", "quoted-printable"),
                    ]
                )
                + CRLF
            )

        body = [
            CRLF,
            part("plain"),
            *_segments(text, text_placeholders),
            CRLF + part("html"),
            *_segments(html, html_placeholders),
            CRLF + delimiter + b"--" + CRLF,
        ]
        return cls(
            envelope_from=sanitize_address(from_email, "utf-8"),
            head=head,
            body=tuple(body),
        )

    def prepare(
        self, *, to: str, headers: list[tuple[str, str]], values: dict[str, str]
    ) -> Prepared:
        """Encode one recipient's headers and values; raises on a header with CR/LF."""
        to = address(to)
        return Prepared(
            to=to,
            headers=header_lines([("To", to), *headers]),
            values={key: encode_piece(value) for key, value in values.items()},
        )

    def render(self, prepared: Prepared) -> bytes:
        values = prepared.values
        return b"".join(
            [
                self.head,
                prepared.headers,
                *[
                    piece if piece.__class__ is bytes else values[piece]
                    for piece in self.body
                ],
            ]
        )

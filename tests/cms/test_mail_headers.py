"""Subject and From in Hindi, Chinese and Arabic decode to exactly what was written, and
no encoded word starts or ends inside a grapheme cluster (a Hindi consonant and its
vowel sign, a conjunct): through the file outbox, the SMTP backend and the batch path."""

import base64
import re
import unicodedata
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from django.core.mail import EmailMultiAlternatives

from campaigns.mailings import mime
from cms.mail import outbox
from cms.mail.headers import grapheme_clusters

LONG = {
    "hi": (
        "नए अमेरिकियों का कार्यालय — शिकागो शहर का आप्रवासी और शरणार्थी मामलों का विभाग",
        "शिकागो आपके साथ है: फरवरी 2017 का बुलेटिन, कानूनी सहायता, मानसिक स्वास्थ्य और"
        " नियोक्ता संचार क्षेत्र",
    ),
    "zh-hans": (
        "新美国人办公室芝加哥市移民和难民事务部门新美国人办公室",
        "芝加哥与你同在：2017年2月通讯，法律援助、心理健康和雇主沟通的最新消息汇总",
    ),
    "ar": (
        "مكتب الأمريكيين الجدد في مدينة شيكاغو لشؤون المهاجرين واللاجئين",
        "شيكاغو معك: نشرة فبراير 2017، المساعدة القانونية والصحة النفسية وتواصل أصحاب العمل",
    ),
}
VIRAMA = "\u094d"


def head_of(raw: bytes) -> str:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii")


def header(head: str, name: str) -> str:
    unfolded = re.sub(r"\r\n[ \t]", " ", head)
    (value,) = [
        line.split(": ", 1)[1]
        for line in unfolded.split("\r\n")
        if line.lower().startswith(name.lower() + ": ")
    ]
    return value


def assert_reads_as_written(raw: bytes, name: str, subject: str) -> None:
    head = head_of(raw)
    # As RFC 2047 says a reader's program shows them.
    assert str(make_header(decode_header(header(head, "Subject")))) == subject
    display = header(head, "From").rsplit(" <", 1)[0]
    assert str(make_header(decode_header(display))) == name
    assert str(message_from_bytes(raw, policy=policy.default)["Subject"]) == subject
    for word in re.findall(r"=\?utf-8\?b\?([^?]*)\?=", head, re.IGNORECASE):
        text = base64.b64decode(word).decode("utf-8")
        assert unicodedata.category(text[0]) not in ("Mn", "Mc"), text
        assert not text.endswith((VIRAMA, "\u200d")), text
    for line in head.split("\r\n"):
        assert len(line) <= 78, line
        assert not re.fullmatch(r"(Subject|From):\s*", line), (
            "folded before its first word"
        )


@pytest.mark.parametrize("language", LONG)
def test_outbox_subject_and_from_read_as_written(outbox_dir, language):
    name, subject = LONG[language]
    EmailMultiAlternatives(
        subject=subject,
        body="x",
        from_email=f"{name} <news@ona.example.org>",
        to=["reader@example.org"],
    ).send()
    (stored,) = outbox.list_messages()
    assert_reads_as_written(
        (outbox.private_outbox_dir() / stored).read_bytes(), name, subject
    )


@pytest.mark.parametrize("language", LONG)
def test_batch_path_subject_and_from_read_as_written(language):
    name, subject = LONG[language]
    template = mime.Template.build(
        subject=subject,
        from_email=f"{name} <news@ona.example.org>",
        headers={},
        text="x",
        html="<p>x</p>",
        text_placeholders={"@@x@@": "x"},
        html_placeholders={"@@x@@": "x"},
    )
    assert_reads_as_written(template.head + b"\r\n", name, subject)


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        ("कार्यालय", ["का", "र्या", "ल", "य"]),
        ("क्षेत्र", ["क्षे", "त्र"]),
        ("مُدُن", ["مُ", "دُ", "ن"]),
        ("👩🏽\u200d💻!", ["👩🏽\u200d💻", "!"]),
    ],
)
def test_grapheme_clusters(text, clusters):
    assert grapheme_clusters(text) == clusters

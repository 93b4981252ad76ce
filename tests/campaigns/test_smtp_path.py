"""The SMTP path's once-per-batch MIME messages, compared with the per-message path.

The file outbox still builds each message with Django's EmailMultiAlternatives (the
old path); the same envelopes and recipients sent over SMTP must decode to the same
headers and text, in every language, and be well-formed on the wire.
"""

import binascii
import smtplib
from email import message_from_bytes, policy
from email.utils import parseaddr
from html import escape

import pytest
from django.core.mail import BadHeaderError
from django.core.mail.message import forbid_multi_line_headers
from django.utils import translation

from campaigns.mailings import mime, transport
from campaigns.mailings.exceptions import TransientSendError
from campaigns.mailings.models import Delivery
from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from cms.email.rendering import render_email
from cms.languages import site_name
from cms.mail import outbox
from cms.models import BulletinPage
from tests.aiosmtpd_sink import AiosmtpdSink
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
from tests.cms.test_sender_name import decoded_sender
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es", "hi", "zh-hans", "ar", "pl")
NAMES = {
    "en": 'Li <b>"Bold"</b> & Co',
    "es": "José Ñúñez",
    "hi": "अनीता शर्मा",
    "zh-hans": "李小龙",
    "ar": "فاطمة الزهراء",
    "pl": "Łukasz Żółć",
}
HEADERS = (
    "Subject",
    "From",
    "To",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Precedence",
    "Content-Language",
)


@pytest.fixture
def demo_envelopes(demo_content, settings):
    """The demo February 2017 bulletin rendered in six languages (real e-mail HTML)."""
    bulletin = BulletinPage.objects.get(
        slug="february-2017", locale__language_code="en"
    )
    envelopes = {}
    for language in LANGUAGES:
        rendered = render_email(bulletin, language=language)
        envelopes[language] = transport.Envelope(
            mailing_id=7,
            subject=rendered.subject,
            html=rendered.html.replace("</body>", "<p>%%NAME%%</p></body>"),
            text=f"Hello %%NAME%%,\n.\n.. dots\n{rendered.text}",
            list_id=f"Office of New Americans <mailing-7.{settings.MESSAGE_ID_DOMAIN}>",
            track_opens=False,
            track_clicks=False,
            language=language,
        )
    return envelopes


def recipients_for(language: str) -> list[transport.Recipient]:
    return [
        transport.Recipient(
            delivery_id=100 + 10 * LANGUAGES.index(language) + n,
            email=f"person{n}.{language}@example.org",
            name=name,
            unsubscribe_url=f"https://ona.example.org/u/{n}/{language}-token.{'x' * 90}/",
            preferences_url=f"https://ona.example.org/p/{n}/{language}/",
        )
        for n, name in enumerate([NAMES[language], "", "plain Ana"])
    ]


@pytest.fixture
def sink(settings):
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(params=["light", "aiosmtpd"])
def any_sink(request, settings):
    """The light sink (with PIPELINING) and aiosmtpd (a third-party server, without)."""
    sink = (SmtpSink if request.param == "light" else AiosmtpdSink)().start()
    yield sink
    sink.stop()


def use_smtp(settings, sink: SmtpSink) -> None:
    settings.EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "cms.mail.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port


def parts(message) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def test_smtp_messages_decode_like_the_per_message_path_in_every_language(
    demo_envelopes, any_sink, outbox_dir, settings
):
    sink = any_sink
    for language, envelope in demo_envelopes.items():
        transport.send_single(envelope, recipients_for(language))
    old = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        old[str(message["To"])] = message

    use_smtp(settings, sink)
    for language, envelope in demo_envelopes.items():
        result = transport.send_single(envelope, recipients_for(language))
        assert len(result.sent) == 3
        assert not result.failed

    assert len(sink.envelopes) == len(old) == 3 * len(LANGUAGES)
    message_ids = set()
    for (rcpt_tos, raw), new in zip(sink.envelopes, sink.messages(), strict=True):
        to = str(new["To"])
        assert rcpt_tos == [to]
        before = old[to]
        for header in HEADERS:
            assert str(new[header]) == str(before[header]), (to, header)
        assert new["Content-Language"] in LANGUAGES, to
        # The office's name in the reader's language, at the configured address.
        name, address = decoded_sender(dict(new.raw_items())["From"])
        with translation.override(str(new["Content-Language"])):
            assert name == site_name(), to
        assert address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        assert new["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert new.get_content_type() == "multipart/alternative"
        assert parts(new) == parts(before), to
        message_ids.add(str(new["Message-ID"]))
        for part in new.walk():
            assert not part.defects, (to, part.defects)
        for line in raw.split(b"\r\n"):
            assert len(line) <= 998
            assert not line.startswith(b".")
        head, _, body = raw.partition(b"\r\n\r\n")
        assert all(len(line) <= 76 for line in body.split(b"\r\n")), to
        assert b"\n" not in raw.replace(b"\r\n", b"")
    assert len(message_ids) == len(old), "a Message-ID per recipient"

    arabic = next(m for m in sink.messages() if "person0.ar@" in str(m["To"]))
    text, html = parts(arabic)
    assert NAMES["ar"] in text
    assert NAMES["ar"] in html
    assert 'dir="rtl"' in html
    english = next(m for m in sink.messages() if "person0.en@" in str(m["To"]))
    text, html = parts(english)
    assert NAMES["en"] in text, "the plain-text part shows the name as typed"
    assert "Li &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co" in html
    assert "<b>" not in html


def mailing_in_six_languages(home_page):
    (legal,) = lists(1)
    for language in LANGUAGES:
        subscribe(
            f"{language}@example.org", [legal], language=language, name=NAMES[language]
        )
    subscribe("evil@example.org", [legal], name="Eve\r\nBcc: x@evil.test")
    mailing = sending_mailing(home_page, [legal], languages=LANGUAGES)
    materialise_deliveries(mailing, list(LANGUAGES))
    return mailing


def test_send_batch_over_smtp_merges_each_recipient_in_each_language(
    home_page, any_sink, settings
):
    sink = any_sink
    use_smtp(settings, sink)
    mailing = mailing_in_six_languages(home_page)

    assert sending.send_batch(mailing_id=mailing.pk) == 7

    messages = {str(m["To"]): m for m in sink.messages()}
    assert sorted(rcpt for rcpts, _ in sink.envelopes for rcpt in rcpts) == sorted(
        messages
    )
    assert len(messages) == 7
    unsubscribe_urls = set()
    for language in LANGUAGES:
        message = messages[f"{language}@example.org"]
        assert str(message["Subject"]) == f"Bulletin ({language})"
        text, html = parts(message)
        assert f"Hello {NAMES[language]}\n" in text
        assert f"Hola {escape(NAMES[language])}</p>" in html
        url = str(message["List-Unsubscribe"]).strip().strip("<>")
        assert f"Unsubscribe: {url}\n" in text
        assert f'href="{url}"' in html
        unsubscribe_urls.add(url)
        assert "%%" not in text + html
    assert len(unsubscribe_urls) == len(LANGUAGES)
    assert len({str(m["Message-ID"]) for m in messages.values()}) == 7
    eve = messages["evil@example.org"]
    assert eve["Bcc"] is None
    assert "Eve\nBcc: x@evil.test" in parts(eve)[0], "stays in the body, as typed"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_refused_recipient_fails_for_good_and_the_rest_are_sent(
    home_page, sink, settings
):
    use_smtp(settings, sink)
    mailing = mailing_in_six_languages(home_page)
    sink.refuse = {"ar@example.org"}

    sending.send_batch(mailing_id=mailing.pk)

    failed = Delivery.objects.get(status="failed")
    assert failed.subscriber.email == "ar@example.org"
    assert failed.error == "refused: 550 5.1.1"  # the reply quoted the address
    assert Delivery.objects.filter(status="sent").count() == 6
    assert sink.count == 6


def test_relay_without_pipelining_gets_plain_transactions(home_page, sink, settings):
    use_smtp(settings, sink)
    sink.pipelining = False
    sink.refuse = {"pl@example.org"}
    mailing = mailing_in_six_languages(home_page)

    sending.send_batch(mailing_id=mailing.pk)

    assert Delivery.objects.get(status="failed").subscriber.email == "pl@example.org"
    assert Delivery.objects.filter(status="sent").count() == 6
    spanish = next(m for m in sink.messages() if str(m["To"]) == "es@example.org")
    assert f"Hola {NAMES['es']}</p>" in parts(spanish)[1]


def test_relay_dropping_mid_batch_keeps_what_went_through(home_page, sink, settings):
    """Found here: a partial result used to mark the whole language group sent."""
    use_smtp(settings, sink)
    (legal,) = lists(1)
    for n in range(3):
        subscribe(f"p{n}@example.org", [legal], language="en")
    mailing = sending_mailing(home_page, [legal], languages=("en",))
    materialise_deliveries(mailing, ["en"])
    sink.drop_after = 1

    with pytest.raises(TransientSendError):
        sending.send_batch(mailing_id=mailing.pk)

    assert sink.count == 1
    assert Delivery.objects.filter(status="sent").count() == 1
    assert Delivery.objects.filter(status="queued").count() == 2
    sink.drop_after = None
    sending.send_batch(mailing_id=mailing.pk)
    assert sink.count == 3, "each sent once"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_cr_lf_in_a_header_value_stops_the_batch_before_anything_is_sent(
    sink, settings
):
    use_smtp(settings, sink)
    envelope = transport.Envelope(
        mailing_id=1,
        subject="Bulletin",
        html="<p>%%NAME%%</p>",
        text="%%NAME%%",
        list_id="ONA <mailing-1.example.org>",
        track_opens=False,
        track_clicks=False,
    )
    good = transport.Recipient(1, "a@example.org", "A", "https://x/u/1/", "https://x/")
    bad = transport.Recipient(
        2, "b@example.org", "B", "https://x/u/2/\r\nBcc: evil@example.net", "https://x/"
    )

    with pytest.raises(BadHeaderError):
        transport.send_single(envelope, [good, bad])
    assert sink.count == 0


def test_sink_speaks_smtp_to_smtplib(sink):
    with smtplib.SMTP("127.0.0.1", sink.port) as client:
        assert client.ehlo()[0] == 250
        assert client.has_extn("pipelining")
        assert client.rcpt("x@example.org")[0] == 503, "RCPT before MAIL"
        client.sendmail(
            "a@example.org", ["b@example.org"], b"Subject: x\r\n\r\n.dot\r\n"
        )
    ((rcpts, raw),) = sink.envelopes
    assert rcpts == ["b@example.org"]
    assert message_from_bytes(raw, policy=policy.default).get_content() == ".dot\r\n"


@pytest.mark.parametrize(
    "text",
    [
        "..leading\n.\n...\n",
        "trailing space \ttab\t",
        "a = b =3D c\r\nlone\rcr",
        "ب" * 200 + "\n" + "x" * 300,
        "ends on a dot.",
    ],
)
def test_encoded_pieces_decode_back_and_stay_on_short_lines(text):
    encoded = mime.encode_piece(text)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    decoded = binascii.a2b_qp(encoded.replace(b"\r\n", b"\n")).decode()
    assert decoded == expected
    lines = encoded.split(b"\r\n")
    assert lines[-1] == b"", "ends at the start of a line"
    assert all(len(line) <= 76 for line in lines)
    assert not any(line.startswith(b".") for line in lines)
    assert encoded.replace(b"\r\n", b"").isascii()


@pytest.mark.parametrize(
    "value",
    [
        "<https://ona.example.org/u/1/short/>",
        f"<https://ona.example.org/subscribers/unsubscribe/{'x' * 120}/>",
        "Office of New Americans and a long list name <mailing-1.ona.example.org>",
    ],
)
def test_header_lines_fold_like_the_email_package(value):
    name, encoded = forbid_multi_line_headers("List-Id", value, "utf-8")
    expected = policy.compat32.clone(linesep="\r\n").fold_binary(name, encoded)
    assert mime.header_lines([("List-Id", value)]) == expected


def test_a_batch_over_several_connections_sends_each_recipient_once(
    home_page, sink, settings
):
    use_smtp(settings, sink)
    settings.MAILING_SMTP_CONNECTIONS = 3
    (legal,) = lists(1)
    for n in range(160):
        subscribe(f"p{n}@example.org", [legal], language="es", name=f"Núm {n}")
    mailing = sending_mailing(home_page, [legal], languages=("es",))
    materialise_deliveries(mailing, ["es"])
    sink.refuse = {"p7@example.org"}

    assert sending.send_batch(mailing_id=mailing.pk) == 160

    assert sink.sessions_seen == 3
    received = sorted(rcpt for rcpts, _ in sink.envelopes for rcpt in rcpts)
    assert received == sorted(
        {f"p{n}@example.org" for n in range(160)} - {"p7@example.org"}
    )
    for message in sink.messages():
        number = str(message["To"]).removeprefix("p").removesuffix("@example.org")
        assert f"Hola Núm {number}</p>" in parts(message)[1]
    assert Delivery.objects.filter(status="sent").count() == 159
    assert Delivery.objects.get(status="failed").subscriber.email == "p7@example.org"


def test_a_connection_failing_among_several_keeps_the_others_work(
    home_page, sink, settings
):
    use_smtp(settings, sink)
    settings.MAILING_SMTP_CONNECTIONS = 2
    (legal,) = lists(1)
    for n in range(120):
        subscribe(f"p{n}@example.org", [legal])
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    sink.drop_after = 100

    with pytest.raises(TransientSendError):
        sending.send_batch(mailing_id=mailing.pk)

    sent = Delivery.objects.filter(status="sent").count()
    assert sent == sink.count
    assert Delivery.objects.filter(status="queued").count() == 120 - sent
    sink.drop_after = None
    sending.send_batch(mailing_id=mailing.pk)
    assert sink.count == 120, "each sent once"

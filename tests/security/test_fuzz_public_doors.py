"""Hypothesis fuzz of every public form and the provider webhooks, through the real
middleware stack under the production settings: 5,000 generated inputs (5,700
requests: each form input is sent url-encoded and as multipart) with odd charsets,
lying content types, raw bytes, hostile field values and malformed provider
payloads. Not one answer may be a 500.

Each test counts the requests it made and checks the count, so the total is a fact
of the run, not a hope. The requests are in-process (Django's test client), spread
over the doors so that the cheap ones (webhooks, links) carry most of the volume and
the whole file stays around a minute.
"""

import base64
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from subscribers import tokens
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
)
from tests.security.production import HttpsClient

pytestmark = pytest.mark.django_db

SECRET = "hook-user:hook-pass"
KEY = "signing-key"
CSRF = "c" * 32
FUZZ = {
    "deadline": None,
    "database": None,  # no example database on disk: CI starts clean every time
    "suppress_health_check": list(HealthCheck),
}

# Cheap to draw (generation, not the requests, is what costs here): short strings from
# a mixed alphabet (ASCII, Latin, Arabic, Devanagari, CJK, controls, bidi marks,
# emoji) and a list of classic hostile values.
ALPHABET = st.sampled_from(
    "aZ09 .@+-_'\"<>&%;:/\\=?#\x00\x1f\x7f\r\n\t"
    "éñßøÆ"
    "سلامعربي"
    "नमस्ते"
    "中文汉字"
    "\u200b\u200c\u200d\u202e\u2028\ufeff\U0001f600"
)
TEXT = st.text(alphabet=ALPHABET, max_size=40)
ODD_TEXT = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "",
            "\x00",
            "\r\nBcc: all@example.org",
            "a" * 5000 + "@example.org",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\u202eevil\u202c",
            "9" * 40,
            "-1",
            "..%2f..%2fetc%2fpasswd",
            "ana@example.org",
            "Ana+tag@Example.ORG",
            "ana@bücher.example",
            "Ana María",
            "https://ona-verify.example/",
        ]
    ),
    st.builds("{}@{}.org".format, TEXT, TEXT),
)
FIELD_NAMES = [
    "email",
    "name",
    "zip_code",
    "language",
    "lists",
    "list_language",
    "join_list",
    "website",
    "form_token",
    "action",
    "confirm",
    "next",
]
CHARSETS = [
    "utf-8",
    "utf-16",
    "utf-16-be",
    "utf-32",
    "utf-7",
    "latin-1",
    "cp1252",
    "shift_jis",
    "gb18030",
    "koi8-r",
    "iso-2022-jp",
    "no-such-charset",
]
CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=BoUnDaRy",
            "application/json",
            "text/plain",
            "application/xml",
            "application/octet-stream",
            "",
            "*/*",
            "multipart/mixed; boundary=x",
            "application/x-www-form-urlencoded; charset",
        ]
    ),
    st.builds(
        "{}; charset={}".format,
        st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=BoUnDaRy",
                "application/json",
                "text/plain",
            ]
        ),
        st.sampled_from(CHARSETS),
    ),
    TEXT,
)
JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        ODD_TEXT,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(TEXT, children, max_size=3),
    ),
    max_leaves=6,
)


@pytest.fixture
def doors(home_page, production, settings):
    """The site with one of each public door, limits off (so every request reaches the
    code behind them), and a client that passes CSRF like a browser would."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "0")
    settings.LOGIN_HASH_CONCURRENCY = 0
    settings.AXES_ENABLED = False  # guesses would lock the fuzzer out of the form
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    from subscribers.models import SignupPage

    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory(slug="with-you")
    campaign.default_lists.add(legal)
    petition = build_petition_page(home_page, campaign, require_verification=True)
    event = build_event(title="Know Your Rights", rsvp_mode="internal", capacity=50)
    ana = subscribe("ana@example.org", [legal], name="Ana")
    client = HttpsClient(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = CSRF
    return {
        "client": client,
        "forms": {
            "signup": signup.url,
            "petition page": petition.url,
            "petition sign": f"/petitions/{petition.pk}/sign/",
            "petition widget": f"/petitions/embed/{petition.pk}/",
            "rsvp": event.url + "rsvp/",
            "rsvp (es)": "/es" + event.url + "rsvp/",
            "preferences": f"/subscribers/preferences/{tokens.make_preferences_token(ana.pk)}/",
            "unsubscribe": f"/subscribers/unsubscribe/{tokens.make_unsubscribe_token(ana.pk)}/",
            "language": "/i18n/setlang/",
            "admin sign-in": "/admin/login/",
            "password reset": "/admin/password_reset/",
            "page sign-in": "/_util/login/",
        },
        "legal": legal.pk,
    }


def answer(client, method, path, **kwargs):
    response = client.generic(
        method, path, HTTP_REFERER="https://testserver/", **kwargs
    )
    assert response.status_code < 500, (method, path, response.status_code)
    return response


def test_form_fields(doors):
    """Every public form, every field, hostile values (each sent in both encodings)."""
    made = []
    client, forms = doors["client"], doors["forms"]

    @examples(max_examples=700, **FUZZ)
    @given(
        door=st.sampled_from(sorted(forms)),
        fields=st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), TEXT),
            st.one_of(ODD_TEXT, st.lists(ODD_TEXT, max_size=3)),
            max_size=6,
        ),
        lists=st.lists(
            st.one_of(st.just(str(doors["legal"])), st.integers().map(str), TEXT),
            max_size=3,
        ),
    )
    def post(door, fields, lists):
        data = {**fields, "csrfmiddlewaretoken": CSRF}
        if lists:
            data["lists"] = lists
        # As a browser sends it, url-encoded and as multipart.
        answer(
            client,
            "POST",
            forms[door],
            data=urlencode(data, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
        response = client.post(forms[door], data, HTTP_REFERER="https://testserver/")
        assert response.status_code < 500, (door, response.status_code)
        made.extend([door, door])

    post()
    assert len(made) >= 1400
    assert set(made) == set(forms), "every form was reached"


def test_raw_bodies_and_content_types(doors):
    """Raw bytes, any charset, lying content types, to every form (and a valid CSRF
    pair, so the body is parsed)."""
    made = []
    client, forms = doors["client"], doors["forms"]

    @examples(max_examples=1400, **FUZZ)
    @given(
        door=st.sampled_from(sorted(forms)),
        body=st.one_of(
            st.binary(max_size=300),
            st.builds(
                lambda text, charset: (
                    f"email={quote(text)}&name={text}&csrfmiddlewaretoken={CSRF}"
                ).encode(
                    charset if charset != "no-such-charset" else "utf-8", "replace"
                ),
                ODD_TEXT,
                st.sampled_from(CHARSETS),
            ),
        ),
        content_type=CONTENT_TYPES,
        method=st.sampled_from(["POST", "POST", "POST", "PUT", "PATCH", "DELETE"]),
    )
    def post(door, body, content_type, method):
        answer(client, method, forms[door], data=body, content_type=content_type)
        made.append(door)

    post()
    assert len(made) >= 1400
    assert set(made) == set(forms)


WEBHOOK_EXAMPLES = 315  # per provider: 2,205 in all
PROVIDER_KEYS = {
    "postmark": [
        "RecordType",
        "Type",
        "TypeCode",
        "ID",
        "Email",
        "BouncedAt",
        "Metadata",
    ],
    "brevo": [
        "event",
        "email",
        "id",
        "message-id",
        "ts_event",
        "date",
        "reason",
        "tags",
    ],
    "sendinblue": ["event", "email", "id", "message-id", "ts_event", "date", "reason"],
    "sparkpost": ["msys", "message_event", "type", "rcpt_to", "timestamp", "event_id"],
    "mailjet": ["event", "time", "email", "MessageID", "Message_GUID", "CustomID"],
    "mailgun": ["event", "timestamp", "id", "recipient", "severity", "user-variables"],
    "mandrill": ["event", "ts", "_id", "msg", "email", "metadata"],
}
EVENT_WORDS = [
    "Bounce",
    "HardBounce",
    "SpamComplaint",
    "Delivery",
    "Open",
    "hard_bounce",
    "spam",
    "delivered",
    "bounce",
    "failed",
    "complained",
    "permanent",
    "open",
    "click",
    "unsub",
    "message_event",
]


def provider_payload(provider: str):
    keys = st.sampled_from(PROVIDER_KEYS[provider])
    values = st.one_of(JSON, st.sampled_from(EVENT_WORDS), ODD_TEXT)
    event = st.dictionaries(keys, values, max_size=6)
    return st.one_of(event, st.lists(event, max_size=3), JSON)


def signed_mailgun(payload) -> bytes:
    # A fresh token each time: a used one is refused (cms/webhooks.py).
    token, stamp = uuid.uuid4().hex * 2, str(int(time.time()))
    signature = hmac.new(KEY.encode(), (stamp + token).encode(), hashlib.sha256)
    body = {
        "signature": {
            "token": token,
            "timestamp": stamp,
            "signature": signature.hexdigest(),
        },
        "event-data": payload,
    }
    return json.dumps(body).encode()


def signed_mandrill(payload) -> tuple[bytes, str]:
    events = json.dumps(payload)
    url = "https://testserver/anymail/mandrill/"
    digest = hmac.new(KEY.encode(), (url + "mandrill_events" + events).encode(), "sha1")
    return urlencode({"mandrill_events": events}).encode(), base64.b64encode(
        digest.digest()
    ).decode()


@pytest.mark.parametrize("provider", sorted(PROVIDER_KEYS))
def test_provider_webhooks(doors, settings, provider):
    """Authenticated (and, where the provider signs, correctly signed) calls with
    payloads in the provider's vocabulary but any shape: the parsers and the tracking
    service see them all."""
    from cms.webhooks import PROVIDERS

    settings.EMAIL_PROVIDER = provider
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": KEY,
        "MANDRILL_WEBHOOK_KEY": KEY,
        "MANDRILL_WEBHOOK_URL": "https://testserver/anymail/mandrill/",
    }
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    client = HttpsClient(raise_request_exception=False)
    url = "/anymail/" + PROVIDERS[provider].path
    made = []

    @examples(max_examples=WEBHOOK_EXAMPLES, **FUZZ)
    @given(payload=provider_payload(provider))
    def post(payload):
        headers = {"HTTP_AUTHORIZATION": auth}
        content_type = "application/json"
        if provider == "mailgun":
            body = signed_mailgun(payload)
        elif provider == "mandrill":
            body, headers["HTTP_X_MANDRILL_SIGNATURE"] = signed_mandrill(payload)
            content_type = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(payload).encode()
        response = client.generic(
            "POST", url, body, content_type=content_type, **headers
        )
        assert response.status_code in (200, 400), (provider, response.status_code)
        made.append(provider)

    post()
    assert len(made) >= WEBHOOK_EXAMPLES


def test_a_time_past_the_platforms_range_is_a_400_not_a_500(doors, settings):
    """Found by the fuzzer above (Mandrill, "ts": 6.77e16): datetime.fromtimestamp()
    raised OSError (EOVERFLOW) inside anymail's parser, a 500 the provider would
    retry for ever."""
    settings.EMAIL_PROVIDER = "mandrill"
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MANDRILL_WEBHOOK_KEY": KEY,
        "MANDRILL_WEBHOOK_URL": "https://testserver/anymail/mandrill/",
    }
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    client = HttpsClient(raise_request_exception=False)
    for stamp in (6.77680361916768e16, 10**17, -(10**17), 1_700_000_000):
        payload = [{"event": "hard_bounce", "ts": stamp, "_id": "x", "msg": {}}]
        body, signature = signed_mandrill(payload)
        response = client.generic(
            "POST", "/anymail/mandrill/", body,
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=auth, HTTP_X_MANDRILL_SIGNATURE=signature,
        )  # fmt: skip
        assert response.status_code == (200 if stamp == 1_700_000_000 else 400), stamp


@pytest.mark.parametrize("provider", ["mailgun", "postmark"])
def test_json_nested_past_the_parsers_depth_is_a_400_not_a_500(
    doors, settings, provider
):
    """Found by an attacker's round on production: json.loads raised RecursionError
    on "[" * 100000 inside anymail's signature check (Mailgun) or parser, a 500."""
    from cms.webhooks import PROVIDERS

    settings.EMAIL_PROVIDER = provider
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": KEY}
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    client = HttpsClient(raise_request_exception=False)
    body = ("[" * 100_000 + "]" * 100_000).encode()
    response = client.generic(
        "POST", "/anymail/" + PROVIDERS[provider].path, body,
        content_type="application/json", HTTP_AUTHORIZATION=auth,
    )  # fmt: skip
    assert response.status_code == 400


def test_a_nul_in_a_tracking_event_is_dropped_not_a_500(doors, settings):
    """PostgreSQL text cannot hold NUL: found by the fuzzer above (Postmark, "ID":
    "\\x00"), which answered 500 on PostgreSQL."""
    from campaigns.mailings.models import TrackingEvent
    from subscribers.crypto import lookup_hash

    settings.EMAIL_PROVIDER = "postmark"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    client = HttpsClient(raise_request_exception=False)
    for event_id in ("\x00", "nul-\x00-inside"):
        body = {
            "RecordType": "Bounce", "Type": "HardBounce", "TypeCode": 1,
            "ID": event_id, "MessageID": "m\x00", "Email": "a\x00@example.org",
            "Description": "no\x00such mailbox",
        }  # fmt: skip
        response = client.generic(
            "POST", "/anymail/postmark/tracking/", json.dumps(body).encode(),
            content_type="application/json", HTTP_AUTHORIZATION=auth,
        )  # fmt: skip
        assert response.status_code == 200, event_id
    stored = sorted(TrackingEvent.objects.values_list("esp_event_id", flat=True))
    # A lone NUL is no ID: that event is known by the id made for providers that
    # give none (kind, keyed hash of the recipient, message id), NUL-free too.
    assert stored == ["bounced:" + lookup_hash("a@example.org") + ":m", "nul--inside"]


def test_links_in_emails(doors):
    """Confirmation, unsubscribe, preferences and verification links with forged,
    truncated and foreign tokens, each action."""
    client = doors["client"]
    made = []

    @examples(max_examples=700, **FUZZ)
    @given(
        endpoint=st.sampled_from(
            [
                "/subscribers/confirm/",
                "/subscribers/unsubscribe/",
                "/subscribers/preferences/",
                "/es/subscribers/preferences/",
                "/petitions/verify/",
            ]
        ),
        token=st.one_of(
            TEXT,
            st.from_regex(r"\A[0-9]{1,25}\.[0-9]{1,8}\.[\w-]{0,30}\Z"),
            st.from_regex(r"\A[0-9]{1,25}\.[\w-]{24}\Z"),
        ),
        method=st.sampled_from(["GET", "POST"]),
        action=st.sampled_from(["", "save", "erase", "download", "send_link", "x"]),
    )
    def visit(endpoint, token, method, action):
        path = endpoint + quote(token, safe="") + "/"
        data = f"action={action}&confirm=on&csrfmiddlewaretoken={CSRF}"
        response = answer(
            client,
            method,
            path,
            data=data if method == "POST" else "",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code in (200, 400, 403, 404, 410)
        made.append(endpoint)

    visit()
    assert len(made) >= 700

"""Every public POST as each role, with hostile input: never a 500, never another's data.

Also the open-redirect payloads in every parameter that chooses where to go next.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Signature
from campaigns.services.petitions import verification_token
from subscribers import tokens
from subscribers.models import SignupPage, Subscriber, Subscription
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
    build_petition_page,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    {},
    {"email": "x" * 5000 + "@example.org", "name": "n" * 10000, "zip_code": "9" * 300},
    {"email": "ana@example.org\r\nBcc: all@example.org", "name": "Ana\x00"},
    {"email": ["a@example.org", "b@example.org"], "lists": ["x", "-1", "99999999999"]},
    {"email": "<script>alert(1)</script>@example.org", "name": "<img src=x onerror=1>"},
    {"language": "../../etc/passwd", "action": "erase", "confirm": "yes"},
    {"action": "save", "language": "xx", "lists": ["1' OR 1=1 --"]},
    {"action": "nope", "website": "http://spam.example/"},
    {"page": "-1", "send_at": "not a date", "token": "A" * 4000},
]
REDIRECTS = [
    "//evil.example",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "https://evil.example/",
    "http:/\\/evil.example",
    " //evil.example",
    "\t//evil.example",
]


@pytest.fixture
def world(home_page):
    legal = MailingListFactory(name="Legal", slug="legal")
    ana = subscribe("ana@example.org", [legal], name="Ana")
    omar = subscribe("omar@example.org", [legal], name="Omar")
    signup = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    signup.save_revision().publish()
    campaign = CampaignFactory(slug="with-you")
    petition = build_petition_page(home_page, campaign, require_verification=True)
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    signature = Signature.objects.create(
        campaign=campaign,
        page=petition,
        name="Omar",
        email="omar@example.org",
        email_hash=omar.email_hash,
        created_at=timezone.now(),
    )
    return {
        "ana": ana,
        "omar": omar,
        "legal": legal,
        "signup": signup,
        "petition": petition,
        "event": event,
        "signature": signature,
    }


def public_posts(world) -> list[str]:
    ana = world["ana"].pk
    petition = world["petition"].pk
    return [
        world["signup"].url,
        world["event"].url + "rsvp/",
        world["petition"].url,
        reverse("campaigns:sign", args=[petition]),
        reverse("campaigns:embed", args=[petition]),
        reverse(
            "verify_signature",
            args=[verification_token(signature_id=world["signature"].pk)],
        ),
        reverse("verify_signature", args=["forged"]),
        reverse("subscribers:confirm", args=["forged"]),
        reverse("subscribers:unsubscribe", args=[tokens.make_unsubscribe_token(ana)]),
        reverse("subscribers:unsubscribe", args=["forged"]),
        reverse("subscribers:preferences", args=[tokens.make_preferences_token(ana)]),
        reverse("subscribers:preferences", args=["forged"]),
        "/i18n/setlang/",
        "/anymail/mailgun/tracking/",
        "/_util/login/",
        "/documents/authenticate_with_password/1/",
        "/_util/authenticate_with_password/1/1/",
        "/es/subscribers/preferences/forged/",
    ]


@pytest.mark.parametrize("role", ["anonymous", "link_holder", "admin"])
def test_public_posts_never_fail_with_a_500(world, role):
    client = Client(enforce_csrf_checks=role != "admin", raise_request_exception=False)
    if role == "admin":
        client.force_login(SuperuserFactory())
    answers = {}
    for path in public_posts(world):
        for data in HOSTILE:
            response = client.post(path, data)
            answers[(path, str(data)[:40])] = response.status_code
    # Garbage sent as the body itself, with a lying content type.
    for path in public_posts(world):
        response = client.generic(
            "POST", path, b"\xff\xfe\x00garbage", content_type="application/json"
        )
        answers[(path, "raw")] = response.status_code
    errors = {key: code for key, code in answers.items() if code >= 500}
    assert not errors, errors
    # Omar's data survives everything Ana's links and the forged ones did.
    omar = Subscriber.objects.get(pk=world["omar"].pk)
    assert omar.subscriptions.get().status == Subscription.Status.CONFIRMED
    assert Signature.objects.filter(pk=world["signature"].pk).exists()


def test_a_link_holder_reaches_only_their_own_record(client, world):
    ana, omar = world["ana"], world["omar"]
    token = tokens.make_mailed_preferences_token(ana.pk, generation=0)
    page = client.get(reverse("subscribers:preferences", args=[token]))
    assert "ana@example.org" in page.content.decode()
    assert "omar@example.org" not in page.content.decode()
    # A token edited by one character, or another id's signature glued on, is refused.
    omar_token = tokens.make_mailed_preferences_token(omar.pk, generation=0)
    for forged in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        omar_token.split(":")[0] + ":" + token.split(":", 1)[-1],
    ):
        response = client.post(
            reverse("subscribers:preferences", args=[forged]),
            {"action": "erase", "confirm": "on"},
        )
        assert response.status_code in (400, 403, 404, 410), forged
    assert Subscriber.objects.filter(pk=omar.pk).exists()
    download = client.post(
        reverse("subscribers:preferences", args=[token]), {"action": "download"}
    )
    assert b"omar@example.org" not in download.content
    # An unsubscribe link is not a preferences link.
    unsub = tokens.make_unsubscribe_token(ana.pk)
    response = client.get(reverse("subscribers:preferences", args=[unsub]))
    assert response.status_code in (400, 403, 404)


def _is_local(location: str) -> bool:
    """A path on this site: browsers read backslashes as slashes and trim whitespace."""
    url = location.strip().replace("\\", "/")
    return url.startswith("/") and not url.startswith("//")


@pytest.mark.parametrize("payload", REDIRECTS)
def test_open_redirect_payloads_go_nowhere_but_local(world, payload):
    client = Client(raise_request_exception=False)
    admin = SuperuserFactory(username="redirect-admin", password="pw-for-redirects-1")
    hops = []
    hops.append(client.post("/i18n/setlang/", {"language": "es", "next": payload}))
    hops.append(client.get("/i18n/setlang/", {"next": payload}, HTTP_REFERER=payload))
    hops.append(client.get("/admin/login/", {"next": payload}))
    hops.append(
        client.post(
            f"/admin/login/?next={payload}",
            {
                "username": admin.username,
                "password": "pw-for-redirects-1",
                "next": payload,
            },
        )
    )
    hops.append(client.post("/admin/outbox/send-test/", {"next": payload}))
    hops.append(
        client.post(
            f"/admin/email-preview/{world['event'].pk}/send-test/",
            {"language": "es", "next": payload},
        )
    )
    hops.append(client.post("/_util/login/", {"next": payload}))
    hops.append(client.get("/admin/logout/", {"next": payload}))
    hops.append(client.post("/admin/logout/", {"next": payload}))
    hops.append(
        client.post(
            "/django-admin/login/",
            {
                "username": admin.username,
                "password": "pw-for-redirects-1",
                "next": payload,
            },
        )
    )
    for response in hops:
        assert response.status_code < 500
        location = response.get("Location")
        if location:
            assert _is_local(location), (
                f"{response.request['PATH_INFO']} -> {location!r}"
            )


NUL_FORMS = [
    # (form, fields with a NUL; the value each must be shown back with)
    (
        "signup",
        {
            "email": "ana\x00@example.org",
            "name": "A\x00na",
            "zip_code": "606\x0008",
            "language": "e\x00s",
        },
    ),
    (
        "petition",
        {"email": "ana\x00@example.org", "name": "A\x00na", "zip_code": "606\x0008"},
    ),
    (
        "sign",
        {"email": "ana\x00@example.org", "name": "A\x00na", "zip_code": "606\x0008"},
    ),
    ("rsvp", {"email": "ana\x00@example.org", "name": "A\x00na"}),
    ("new_link", {"email": "ana\x00@example.org"}),
    ("preferences", {"action": "save", "language": "e\x00s", "lists": ["1\x00"]}),
    ("change_email", {"action": "change_email", "new_email": "ana\x00@example.net"}),
]


@pytest.mark.parametrize(
    ("form", "data"), NUL_FORMS, ids=[form for form, _ in NUL_FORMS]
)
@pytest.mark.parametrize("prefix", ["", "/es"])
def test_a_nul_character_is_refused_without_being_echoed_back(
    world, form, data, prefix
):
    """A NUL character typed (or sent) into a field was refused with a 400 whose form
    held it, raw, in the field's value (and, for a language or a list, in the error
    message): what a browser shows as a blank or a replacement mark, and a proxy or a
    log reader may cut the page at. The form comes back with what was typed less the
    NUL, and the error in the reader's language."""
    ana = world["ana"]
    mailed = tokens.mailed_preferences_url(ana.pk, generation=ana.link_generation)
    mailed = mailed[mailed.index("/subscribers/") :]
    paths = {
        "signup": world["signup"].url,
        "petition": world["petition"].url,
        "sign": reverse("campaigns:sign", args=[world["petition"].pk]),
        "rsvp": world["event"].url + "rsvp/",
        "new_link": "/subscribers/new-link/",
        "preferences": mailed,
        "change_email": mailed,
    }
    path = paths[form]
    if path.startswith("/petitions/"):
        # Unprefixed: in the petition's language unless the form names another.
        path += "?lang=es" if prefix else ""
    elif not path.startswith(prefix + "/"):
        path = prefix + path
    client = Client(HTTP_ACCEPT_LANGUAGE=prefix.strip("/") or "en")
    response = client.post(path, {"lists": [world["legal"].pk], **data})
    assert response.status_code == 400, path
    body = response.content
    assert b"\x00" not in body, [line for line in body.split(b"\n") if b"\x00" in line]
    text = body.decode()
    assert 'aria-invalid="true"' in text
    for name, value in data.items():
        if name in ("email", "name", "zip_code", "new_email"):
            assert f'value="{value.replace(chr(0), "")}"' in text, name
    if "language" in data:
        assert "e\ufffds" in text
    if "name" in data:
        message = "Los caracteres nulos no están permitidos." if prefix else "Null"
        assert message in text

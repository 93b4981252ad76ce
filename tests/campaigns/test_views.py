"""The public petition page, its widget and verification links, through HTTP."""

import re
import time
from unittest import mock

import pytest
from django.core.signing import TimestampSigner
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale, PageViewRestriction

from campaigns.forms import EMBED_TOKEN_SALT, EmbeddedPetitionForm
from campaigns.models import Milestone, Signature
from campaigns.selectors import counter_value
from campaigns.services.counters import record_milestone
from campaigns.services.petitions import record_signature, verification_token
from cms.embed import EMBED_TOKEN_MAX_AGE
from subscribers.models import Subscriber
from tests.factories import MailingListFactory, SuperuserFactory, translate_page

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Katarzyna Nowak",
    "email": "katarzyna.nowak@example.org",
    "zip_code": "60634",
    "website": "",
}


def sign_url(petition) -> str:
    return reverse("campaigns:sign", args=[petition.pk])


def post(client, petition, **changes):
    """Submit the page's form where its action points: the sign endpoint."""
    return client.post(sign_url(petition), {**VALID, **changes})


def test_page_shows_target_statement_count_goal_and_form(client, petition):
    response = client.get(petition.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "To: Chicago neighbors, leaders, and elected officials" in body
    assert "We support our immigrant neighbors!" in body
    assert "0 signatures" in body
    assert "Goal: 100" in body
    assert '<progress max="100" value="0"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'action="{sign_url(petition)}"' in body
    assert 'class="hp" aria-hidden="true"' in body
    assert "<script" not in body, "the page must work without JavaScript"


def test_counts_are_grouped_on_the_page_as_in_the_report_and_the_mails(
    client, petition, campaign
):
    """The page read "1234 signatures", "Goal: 2500" and "1000 signatures reached"
    where the campaign report and the leads' e-mails write 1,234 and 1,000 (1 234 in
    Spanish): readers get the same grouped numbers, in the plural the count needs,
    and the bar keeps the bare numbers."""
    from campaigns.models import Counter

    campaign.goal = 2500
    campaign.milestone_thresholds = [10, 1000, 2500]
    campaign.save()
    Counter.objects.update_or_create(
        campaign=campaign, kind="signatures", defaults={"value": 1234}
    )
    record_milestone(campaign_id=campaign.pk, kind="signatures", threshold=1000)
    record_milestone(campaign_id=campaign.pk, kind="signatures", threshold=10)
    spanish = translate_page(petition, "es", title="El odio no tiene lugar")

    body = client.get(petition.url).content.decode()
    assert '<strong data-count="1234">1,234 signatures</strong>' in body
    assert "Goal: 2,500" in body
    assert '<progress max="2500" value="1234"' in body
    assert "1,000 signatures reached" in body
    assert "10 signatures reached" in body

    body = client.get(spanish.url).content.decode()
    assert "1\xa0234 firmas" in body
    assert "Meta: 2\xa0500" in body
    assert "1\xa0000 firmas alcanzadas" in body

    home = client.get(petition.get_parent().url).content.decode()
    assert "1,234 signatures · goal 2,500" in home


def test_signing_redirects_to_thanks_with_share_links_and_counts(client, petition):
    response = post(client, petition)
    assert response.status_code == 303
    assert response["Location"] == f"{petition.url}?signed=1#signed"
    assert counter_value(campaign_id=petition.campaign_id) == 1

    thanks = client.get(f"{petition.url}?signed=1").content.decode()
    assert "Thank you for signing!" in thanks
    assert "1 signature" in thanks
    for prefix in (
        "mailto:?subject=",
        "https://wa.me/?text=",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://x.com/intent/post?",
    ):
        assert prefix in thanks
    assert (
        'id="share-url" type="url" dir="ltr" readonly value="http://localhost' in thanks
    )
    assert "katarzyna" not in thanks.lower()


def test_posting_to_the_page_itself_signs_too(client, petition):
    response = client.post(petition.url, VALID)
    assert response.status_code == 303
    assert response["Location"] == f"{petition.url}?signed=1#signed"
    assert client.post(petition.url, {**VALID, "email": "x"}).status_code == 400
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_sign_endpoint_refuses_unknown_pages(client, petition):
    assert client.put(sign_url(petition)).status_code == 405
    assert (
        client.post(reverse("campaigns:sign", args=[987654]), VALID).status_code == 404
    )
    assert client.get(reverse("campaigns:sign", args=[987654])).status_code == 404
    petition.unpublish()
    assert post(client, petition).status_code == 404
    assert client.get(sign_url(petition)).status_code == 404
    assert Signature.objects.count() == 0


def test_the_sign_address_opened_in_a_browser_leads_to_the_petition(client, petition):
    """After a refused signature (400, 403) the address bar shows the sign URL:
    Enter there, or the address shared, showed a blank 405 page. It leads to the
    petition, in the language the form was in."""
    plain = client.get(sign_url(petition))
    assert plain.status_code == 302
    assert plain["Location"] == petition.url
    arabic = client.get(sign_url(petition) + "?lang=ar")
    assert arabic.status_code == 302
    assert arabic["Location"] == f"/ar{petition.url}"
    followed = client.get(arabic["Location"])
    assert followed.status_code == 200
    assert '<html lang="ar" dir="rtl">' in followed.content.decode()
    assert client.get(sign_url(petition) + "?lang=xx")["Location"] == petition.url
    assert Signature.objects.count() == 0


def test_a_restricted_petition_takes_no_signature_but_from_readers_it_admits(
    client, petition
):
    """Behind a login, the sign endpoint and the widget (any language) answer 404 and
    store nothing, also for a process that kept the public petition; a signed-in
    reader signs on the page's form as before; made public again, everybody can."""
    translate_page(petition, "es", title="El odio no tiene lugar en Chicago")
    assert post(client, petition).status_code == 303  # this process keeps a copy
    embed = reverse("campaigns:embed", args=[petition.pk])
    token = (
        EmbeddedPetitionForm(campaign=petition.campaign, page_id=petition.pk)
        .fields["form_token"]
        .initial
    )
    restriction = PageViewRestriction.objects.create(
        page=petition, restriction_type=PageViewRestriction.LOGIN
    )
    assert post(client, petition, email="b@example.org").status_code == 404
    assert client.get(sign_url(petition)).status_code == 404, "no address given away"
    for url in (embed, f"/es{embed}", f"/petitions/embed/{petition.pk}/"):
        assert client.get(url).status_code == 404, url
        signed = client.post(
            url, {**VALID, "email": "c@example.org", "form_token": token}
        )
        assert signed.status_code == 404, url
    assert Signature.objects.count() == 1

    member = Client()
    member.force_login(SuperuserFactory(username="member"))
    assert post(member, petition, email="d@example.org").status_code == 303
    assert Signature.objects.count() == 2

    restriction.delete()
    assert post(client, petition, email="e@example.org").status_code == 303
    assert client.get(embed).status_code == 200
    assert Signature.objects.count() == 3


def another_process_changed_petitions() -> None:
    """What forget_petitions does in another process: a new token, this process's
    copies untouched."""
    from campaigns import selectors
    from cms.models import MemoToken

    MemoToken.objects.update_or_create(
        name=selectors.PETITIONS_TOKEN, defaults={"value": 424242}
    )


def test_an_unpublish_in_another_process_stops_signatures_on_the_next_request(
    client, petition
):
    """Each process keeps the petition it looked up; another process's unpublish gives
    the shared token a new value, and the next signature here is refused."""
    from campaigns.models import PetitionPage

    assert post(client, petition).status_code == 303
    PetitionPage.objects.filter(pk=petition.pk).update(live=False)  # no signal here
    assert post(client, petition, email="b@example.org").status_code == 303
    another_process_changed_petitions()
    assert post(client, petition, email="c@example.org").status_code == 404
    assert post(client, petition, email="c@example.org", website="bot").status_code == (
        404
    )
    assert Signature.objects.count() == 2


def test_a_signature_on_a_stale_copy_follows_the_petition_as_it_is_now(
    client, petition
):
    """Verification switched on in another process: the copy here still says off, the
    signature is checked against the token before anything is written (in the signing
    statement on PostgreSQL) and is stored pending, not counted."""
    from campaigns.models import PetitionPage

    assert post(client, petition).status_code == 303
    PetitionPage.objects.filter(pk=petition.pk).update(require_verification=True)
    another_process_changed_petitions()
    response = post(client, petition, email="b@example.org")
    assert response.status_code == 303
    assert "signed=check" in response["Location"]
    assert list(Signature.objects.order_by("pk").values_list("status", flat=True)) == [
        Signature.Status.VERIFIED,
        Signature.Status.PENDING,
    ]
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_a_signature_retried_on_a_fresh_copy_takes_the_limits_once(
    client, petition, rate_limit
):
    """A signature on a stale copy is signed again on the petition as it is now: the
    same attempt, so the client's and the address's allowance are taken once."""
    rate_limit("petition.client", "2/10m")
    rate_limit("petition.address", "1/10m")
    assert post(client, petition).status_code == 303
    another_process_changed_petitions()
    response = post(client, petition, email="b@example.org")
    assert response.status_code == 303
    assert Signature.objects.count() == 2
    assert counter_value(campaign_id=petition.campaign_id) == 2
    # Both allowances are now used up, once each.
    assert post(client, petition, email="c@example.org").status_code == 429


@pytest.mark.postgres
def test_a_burst_signs_on_the_copy_without_reading_the_token_first(client, petition):
    """On PostgreSQL the token is checked inside the signing statement: after the first
    signature, a signature sends nothing but that statement (prepared statements are
    not in Django's query log, so an empty log means no token read and no lookup)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(client, petition)
    with CaptureQueriesContext(connection) as queries:
        response = post(client, petition, email="b@example.org")
    assert response.status_code == 303
    assert [query["sql"] for query in queries.captured_queries] == []
    assert counter_value(campaign_id=petition.campaign_id) == 2


def test_a_change_rolled_back_never_passes_a_copy_read_inside_it(petition):
    from django.db import transaction

    from campaigns import selectors

    with transaction.atomic():
        selectors.forget_petitions()
        selectors.live_petition(page_id=petition.pk)  # read inside, token of the change
        transaction.set_rollback(True)
    token, page = selectors.petition_copy(page_id=petition.pk)
    assert page.pk == petition.pk
    assert not selectors.petition_is_current(token)
    selectors.live_petition(page_id=petition.pk)
    token, _page = selectors.petition_copy(page_id=petition.pk)
    assert selectors.petition_is_current(token)


def test_signing_again_answers_exactly_the_same_and_counts_once(client, petition):
    first = post(client, petition)
    second = post(client, petition, email="Katarzyna.Nowak@example.org")
    assert (first.status_code, first["Location"]) == (
        second.status_code,
        second["Location"],
    )
    # Mail to these reaches the same mailbox: capitals, or a full-width letter
    # (folded as the sender folds it), are not a second signer.
    for look_alike in (
        "KATARZYNA.NOWAK@EXAMPLE.ORG",
        "katarzyna.nowak@\uff45xample.org",
    ):
        assert post(client, petition, email=look_alike).status_code == 303
    assert Signature.objects.count() == 1
    assert counter_value(campaign_id=petition.campaign_id) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"zip_code": "6060"}, "zip_code"),
        ({"zip_code": "60608<script>"}, "zip_code"),
        ({"name": "Ana\r\nBcc: victim@example.org"}, "name"),
        ({"name": "Ana Morales\n"}, "name"),
        ({"email": "ana@example.org\nbcc@example.org"}, "email"),
        ({"email": "ana@ex\u202eample.org"}, "email"),
        ({"zip_code": "60608\r"}, "zip_code"),
        ({"list_language": "xx"}, "list_language"),
        ({"lists": ["999999"]}, "lists"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_stores_nothing(
    client, petition, changes, field
):
    offered = MailingListFactory()
    petition.campaign.default_lists.add(offered)
    response = post(client, petition, **{"lists": [offered.pk], **changes})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Please correct the errors below." in body
    # Said as the signup and RSVP forms say theirs: an alert the field is described by.
    assert f'<div id="id_{field}_error"><p class="error" role="alert">' in body
    assert f'name="{field}"' in body
    assert Signature.objects.count() == 0
    assert counter_value(campaign_id=petition.campaign_id) == 0
    assert not Subscriber.objects.exists()


def test_line_break_message_names_the_problem(client, petition):
    response = post(client, petition, name="Ana\nMorales")
    assert "Line breaks are not allowed here." in response.content.decode()


def test_bad_input_message_is_in_the_pages_language(client, petition):
    polish = petition.copy_for_translation(
        Locale.objects.get(language_code="pl"), copy_parents=True
    )
    polish.title = "Nienawiść nie ma miejsca w Chicago"
    polish.save_revision().publish()
    response = client.post(sign_url(polish), {**VALID, "email": "nope"})
    assert response.status_code == 400
    assert polish.url.startswith("/pl/")
    body = response.content.decode()
    assert "Popraw poniższe błędy." in body
    assert 'lang="pl"' in body
    assert response["Content-Language"] == "pl"
    signed = client.post(sign_url(polish), VALID)
    assert signed["Location"] == f"{polish.url}?signed=1#signed"


def test_honeypot_gets_the_same_answer_and_stores_nothing(client, petition):
    response = post(client, petition, website="http://spam.example")
    assert response.status_code == 303
    assert response["Location"] == f"{petition.url}?signed=1#signed"
    assert Signature.objects.count() == 0


def test_the_honeypot_is_the_one_every_public_form_shares(client, petition):
    """The petition's honeypot had no length limit (no maxlength), unlike the
    signup, embed, new-link and RSVP forms' cms.form_fields.honeypot_field()."""
    from django import forms

    from cms.form_fields import honeypot_field

    class Shared(forms.Form):
        website = honeypot_field()

    body = client.get(petition.url).content.decode()
    tag = re.search(r'<input[^>]*name="website"[^>]*>', body)[0]
    assert tag == str(Shared()["website"])
    assert 'maxlength="200"' in tag

    for filled in ("x" * 200, "x" * 201):  # a long one is still a bot's, not an error
        response = post(client, petition, website=filled)
        assert response["Location"] == f"{petition.url}?signed=1#signed"
    assert Signature.objects.count() == 0


def test_post_without_csrf_token_is_refused(petition):
    client = Client(enforce_csrf_checks=True)
    response = client.post(sign_url(petition), VALID)
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_a_refused_signature_is_answered_in_the_petitions_language(petition):
    """The sign URL has no language prefix: an Arabic signer whose form had expired
    (no CSRF cookie), or whose browser sent a body we cannot read, got the error page
    in English, left to right, whatever their browser asked for."""
    arabic = translate_page(petition, "ar", title="لا مكان للكراهية في شيكاغو")
    client = Client(enforce_csrf_checks=True)
    expired = client.post(sign_url(arabic), VALID, HTTP_ACCEPT_LANGUAGE="en")
    assert expired.status_code == 403
    html = expired.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "This form has expired" not in html

    unreadable = Client().post(
        sign_url(arabic),
        "email=a@example.org",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
    )
    assert unreadable.status_code == 400
    assert '<html lang="ar" dir="rtl">' in unreadable.content.decode()

    asked = Client(enforce_csrf_checks=True).post(f"{sign_url(petition)}?lang=pl")
    assert '<html lang="pl" dir="ltr">' in asked.content.decode()

    gone = Client().post(
        reverse("campaigns:sign", args=[987654]), VALID, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert gone.status_code == 404
    assert '<html lang="es" dir="ltr">' in gone.content.decode()
    assert Signature.objects.count() == 0


def test_post_with_csrf_token_is_accepted(petition):
    client = Client(enforce_csrf_checks=True)
    client.get(petition.url)
    token = client.cookies["csrftoken"].value
    response = client.post(sign_url(petition), {**VALID, "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert Signature.objects.count() == 1


def test_rate_limit_per_client_answers_429_in_words(client, petition, rate_limit):
    rate_limit("petition.client", "3/10m")
    for index in range(3):
        assert post(client, petition, email=f"p{index}@example.org").status_code == 303
    response = post(client, petition, email="p9@example.org")
    assert response.status_code == 429
    assert "Too many signatures from this connection" in response.content.decode()
    assert Signature.objects.count() == 3
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert post(other, petition, email="p9@example.org").status_code == 303


def test_rate_limit_per_address_is_silent(
    client, petition, rate_limit, django_capture_on_commit_callbacks
):
    rate_limit("petition.address", "1/10m")
    petition.require_verification = True
    petition.save_revision().publish()
    from campaigns.tasks import send_signature_verification_task

    sent = []
    send_signature_verification_task.delay = sent.append
    try:
        with django_capture_on_commit_callbacks(execute=True):
            responses = [
                post(client, petition, email="target@example.org") for _ in range(3)
            ]
    finally:
        del send_signature_verification_task.delay
    assert {r.status_code for r in responses} == {303}
    assert {r["Location"] for r in responses} == {f"{petition.url}?signed=check#signed"}
    assert Signature.objects.count() == 1
    assert len(sent) == 1


def test_timeline_shows_milestones_with_localised_dates(client, petition):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    reached = datetime(2024, 5, 8, 21, 33, 13, tzinfo=ZoneInfo("America/New_York"))
    record_milestone(
        campaign_id=petition.campaign_id,
        kind="signatures",
        threshold=500,
        reached_at=reached,
    )
    record_milestone(campaign_id=petition.campaign_id, kind="signups", threshold=10)
    body = client.get(petition.url).content.decode()
    assert "500 signatures reached" in body
    assert "10 signatures reached" not in body, "signups have their own counter"
    assert 'datetime="2024-05-08T20:33:13-05:00"' in body
    assert "May 8, 2024, 8:33 p.m." in body

    polish = petition.copy_for_translation(
        Locale.objects.get(language_code="pl"), copy_parents=True
    )
    polish.save_revision().publish()
    polish_body = client.get(polish.url).content.decode()
    assert "8 maja 2024, 20:33" in polish_body
    assert "500 podpisów" in polish_body


def test_verification_mode_thanks_say_check_your_email(client, petition):
    petition.require_verification = True
    petition.save_revision().publish()
    response = post(client, petition)
    assert response["Location"] == f"{petition.url}?signed=check#signed"
    body = client.get(response["Location"]).content.decode()
    assert "please check your e-mail" in body
    assert counter_value(campaign_id=petition.campaign_id) == 0


def test_verify_link_asks_then_counts_once(client, petition):
    petition.require_verification = True
    petition.save_revision().publish()
    signature_id = record_signature(
        page=petition, email="pl@example.org", language="pl"
    ).signature_id
    url = reverse(
        "verify_signature",
        args=[verification_token(signature_id=signature_id)],
    )

    # Mail scanners and link checkers ask with HEAD.
    assert client.head(url).status_code == 200
    assert client.head(f"/petitions/embed/{petition.pk}/").status_code == 200
    page = client.get(url)
    assert page.status_code == 200
    assert "Tak, policz mój podpis" in page.content.decode()
    assert counter_value(campaign_id=petition.campaign_id) == 0, "GET changes nothing"

    done = client.post(url)
    assert done.status_code == 303
    # The Polish signer stays under /pl/ though the petition is not translated.
    assert done["Location"] == f"/pl{petition.url}?signed=verified#signed"
    client.post(url)
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_bad_verify_link_is_a_400_not_a_500(client, petition):
    response = client.get(reverse("verify_signature", args=["bogus:token"]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert client.post(reverse("verify_signature", args=["x"])).status_code == 400


def test_widget_framing_headers_allow_only_configured_ancestors(
    client, petition, settings
):
    settings.PETITION_FRAME_ANCESTORS = [
        "https://partner.example.org",
        "https://evil.example; script-src *",
    ]
    response = client.get(reverse("campaigns:embed", args=[petition.pk]))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = [part.strip() for part in policy.split(";")]
    assert "frame-ancestors 'self' https://partner.example.org" in directives
    assert "evil" not in policy
    assert "script-src 'self'" in policy  # the site's strict policy, not a bare one
    assert "X-Frame-Options" not in response
    body = response.content.decode()
    assert '<progress max="100" value="0"' in body
    assert 'name="form_token"' in body
    assert response["Content-Language"] == "en"
    assert "<script" not in body

    page_response = client.get(petition.url)
    assert page_response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page_response["Content-Security-Policy"]


def test_widget_signs_with_its_token_and_stays_in_the_frame(petition):
    client = Client(enforce_csrf_checks=True)
    url = reverse("campaigns:embed", args=[petition.pk])
    token = (
        EmbeddedPetitionForm(campaign=petition.campaign, page_id=petition.pk)
        .fields["form_token"]
        .initial
    )
    response = client.post(url, {**VALID, "form_token": token})
    assert response.status_code == 303
    assert response["Location"] == f"{url}?signed=1#signed"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert counter_value(campaign_id=petition.campaign_id) == 1
    thanks = client.get(response["Location"])
    assert "Thank you for signing!" in thanks.content.decode()


def test_widget_refuses_a_missing_or_foreign_token(client, petition, campaign):
    url = reverse("campaigns:embed", args=[petition.pk])
    missing = client.post(url, VALID)
    foreign_token = (
        EmbeddedPetitionForm(campaign=campaign, page_id=999)
        .fields["form_token"]
        .initial
    )
    foreign = client.post(url, {**VALID, "form_token": foreign_token})
    assert missing.status_code == foreign.status_code == 400
    assert "This form has expired" in foreign.content.decode()
    assert Signature.objects.count() == 0


def test_widget_after_an_expired_token_signs_with_one_more_press(petition):
    """The re-rendered form wrote back the expired token it was sent, so the button
    failed for ever (found by the accessibility audit: WCAG 2.2.1)."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("campaigns:embed", args=[petition.pk])
    seven_hours_ago = time.time() - EMBED_TOKEN_MAX_AGE - 3600
    with mock.patch("time.time", return_value=seven_hours_ago):
        expired = TimestampSigner(salt=EMBED_TOKEN_SALT).sign(str(petition.pk))

    refused = client.post(url, {**VALID, "form_token": expired})

    assert refused.status_code == 400
    assert "your signature was not counted" in refused.content.decode()
    assert counter_value(campaign_id=petition.campaign_id) == 0
    (fresh,) = re.findall(
        r'name="form_token" value="([^"]+)"', refused.content.decode()
    )
    assert fresh != expired
    again = client.post(url, {**VALID, "form_token": fresh})
    assert again.status_code == 303
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_widget_for_unknown_or_draft_page_is_404(client, petition):
    assert client.get(reverse("campaigns:embed", args=[987654])).status_code == 404
    petition.unpublish()
    assert client.get(reverse("campaigns:embed", args=[petition.pk])).status_code == 404


def test_milestone_on_page_right_after_the_crossing_signature(client, petition):
    for index in range(9):
        record_signature(page=petition, email=f"s{index}@example.org", language="en")
    assert not Milestone.objects.exists()
    post(client, petition)
    body = client.get(petition.url).content.decode()
    assert "10 signatures" in body
    assert "10 signatures reached" in body


def test_widget_speaks_the_petitions_language(client, petition):
    arabic = petition.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    arabic.save_revision().publish()
    response = client.get(reverse("campaigns:embed", args=[arabic.pk]))
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "وقِّع العريضة" in body
    assert response["Content-Language"] == "ar"


SIGN_THE_PETITION = {
    "es": "Firme la petición",
    "hi": "याचिका पर हस्ताक्षर करें",
    "zh-hans": "签署请愿",
    "ar": "وقِّع العريضة",
    "pl": "Podpisz petycję",
}


@pytest.mark.parametrize("language", sorted(SIGN_THE_PETITION))
def test_widget_speaks_the_language_of_its_prefix(client, petition, language):
    """A partner picks the widget's language with the URL's prefix; the petition is
    untranslated here, so its text stays English inside the language's chrome."""
    url = f"/{language}/petitions/embed/{petition.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in body
    assert SIGN_THE_PETITION[language] in body
    assert response["Content-Language"] == language
    assert f'action="{url}"' in body
    # The title links to the petition in the same language, and keeps its own
    # language and direction (English, left to right) inside the language's chrome.
    assert f'/{language}/{petition.slug}/" target="_blank"' in body
    assert '<h1 lang="en" dir="ltr"><a ' in body
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_widget_under_a_prefix_signs_in_that_language(petition):
    petition.thank_you = "Thank you from the coalition."
    petition.save_revision().publish()
    client = Client(enforce_csrf_checks=True)
    url = f"/es/petitions/embed/{petition.pk}/"
    page = client.get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    response = client.post(url, {**VALID, "form_token": token})
    assert response.status_code == 303
    assert response["Location"] == f"{url}?signed=1#signed"
    assert Signature.objects.get().language == "es"
    thanks = client.get(response["Location"])
    assert '<html lang="es" dir="ltr">' in thanks.content.decode()
    # The untranslated petition's own words are marked English.
    assert '<p lang="en" dir="ltr">Thank you from the coalition.</p>' in (
        thanks.content.decode()
    )
    assert counter_value(campaign_id=petition.campaign_id) == 1


def test_widget_under_a_prefix_shows_the_petitions_translation(client, petition):
    arabic = petition.copy_for_translation(
        Locale.objects.get(language_code="ar"), copy_parents=True
    )
    arabic.title = "لا مكان للكراهية في شيكاغو"
    arabic.save_revision().publish()
    response = client.get(f"/ar/petitions/embed/{petition.pk}/")
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "لا مكان للكراهية في شيكاغو" in body
    assert "Hate has no place in Chicago" not in body
    assert "<h1><a " in body, "a translation is in the page's own language"
    # The unprefixed URL still speaks the petition's own language.
    english = client.get(f"/petitions/embed/{petition.pk}/")
    assert '<html lang="en" dir="ltr">' in english.content.decode()
    assert "Hate has no place in Chicago" in english.content.decode()


def test_widget_answers_see_other_to_signers_and_bots_alike(petition):
    """A POST answered by the thank-you page is a 303 See Other, as the subscriber
    forms answer (the widget answered 302); a bot's filled honeypot gets the same."""
    client = Client(enforce_csrf_checks=True)
    url = reverse("campaigns:embed", args=[petition.pk])
    token = (
        EmbeddedPetitionForm(campaign=petition.campaign, page_id=petition.pk)
        .fields["form_token"]
        .initial
    )
    signer = client.post(url, {**VALID, "form_token": token})
    bot = client.post(
        url,
        {**VALID, "email": "b@example.org", "form_token": token, "website": "x"},
    )
    assert (signer.status_code, signer["Location"]) == (
        bot.status_code,
        bot["Location"],
    )
    assert signer.status_code == 303
    assert counter_value(campaign_id=petition.campaign_id) == 1


@pytest.mark.parametrize(
    ("state", "status"), [("1", "Signed"), ("check", "Check your e-mail")]
)
def test_widget_title_says_it_was_signed_as_the_page_does(
    client, petition, state, status
):
    """The widget's thank-you has no script to announce it in its frame; its title
    says so first, as the petition page's title does."""
    url = reverse("campaigns:embed", args=[petition.pk])
    before = client.get(url).content.decode()
    after = client.get(f"{url}?signed={state}").content.decode()
    assert f"<title>{petition.title}</title>" in before
    assert f"<title>{status}: {petition.title}</title>" in after
    assert 'role="status"' in after


@pytest.mark.parametrize("state", ["1", "join", "check", "confirm"])
def test_a_thank_you_address_passed_on_still_leads_to_the_form(client, petition, state):
    """A signer who copied the address bar after signing (…/?signed=1#signed) and
    sent it on gave their friends a thank-you page with no form on it and no way to
    one but to edit the address. The thanks now end with a link to the form, on the
    page and in the widget, in the reader's language."""
    translated = translate_page(petition, "ar", title="لا مكان للكراهية")
    for url in (
        petition.url,
        translated.url,
        reverse("campaigns:embed", args=[petition.pk]),
    ):
        thanks = Client().get(f"{url}?signed={state}").content.decode()
        assert 'class="petition-form"' not in thanks
        link = re.search(r'class="petition-not-signed">(.*?)</p>', thanks)
        assert link, url
        assert f'<a href="{url}#sign">' in link.group(1)
        form = Client().get(url).content.decode()
        assert 'id="sign"' in form
        assert 'class="petition-form"' in form
    arabic = Client().get(f"{translated.url}?signed={state}").content.decode()
    assert "Sign the petition" not in arabic

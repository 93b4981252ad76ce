"""Mailing admin: who may create, review, send, pause and report; checked in views and services."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from campaigns.mailings.exceptions import SendPermissionDenied
from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import control
from subscribers import crypto
from subscribers.models import ListPermission, Subscriber
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import SuperuserFactory, UserFactory, build_bulletin, speaking

pytestmark = pytest.mark.django_db

DOMAIN = settings.MESSAGE_ID_DOMAIN
BASE = settings.WAGTAILADMIN_BASE_URL


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


def sender_of(*allowed, permission="send"):
    group = Group.objects.create(name=f"senders-{allowed[0].slug}-{permission}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for mailing_list in allowed:
        ListPermission.objects.create(
            group=group, mailing_list=mailing_list, permission=permission
        )
    user = UserFactory()
    user.groups.add(group)
    return user


@pytest.fixture
def setup(home_page):
    legal, outreach = lists(2)
    subscribe("ana@example.org", [legal], language="es")
    subscribe("li@example.org", [legal, outreach], language="zh-hans")
    subscribe("omar@example.org", [outreach], language="ar")
    return build_bulletin(title="March bulletin"), legal, outreach


def test_service_refuses_lists_the_user_cannot_send_to(setup):
    page, legal, outreach = setup
    legal_sender = sender_of(legal)
    control.create_mailing(user=legal_sender, page=page, list_ids=[legal.pk])
    with pytest.raises(SendPermissionDenied):
        control.create_mailing(
            user=legal_sender, page=page, list_ids=[legal.pk, outreach.pk]
        )
    viewer = sender_of(outreach, permission="view")
    with pytest.raises(SendPermissionDenied):
        control.create_mailing(user=viewer, page=page, list_ids=[outreach.pk])
    editor = UserFactory()  # may edit pages, holds no send permission
    with pytest.raises(SendPermissionDenied):
        control.create_mailing(user=editor, page=page, list_ids=[legal.pk])
    assert Mailing.objects.count() == 1


def test_create_review_and_audience_per_language(client, setup):
    page, legal, outreach = setup
    client.force_login(SuperuserFactory())
    response = client.post(
        reverse("campaigns_mailings:create"),
        {"page": page.pk, "lists": [legal.pk, outreach.pk], "lane": "bulk"},
    )
    mailing = Mailing.objects.get()
    assert response.status_code == 302
    detail = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "Send now to 3 people" in html
    assert "3 people in 3 languages on 2 lists" in html
    for name in (
        "Español (Spanish)",
        "简体中文 (Simplified Chinese)",
        "العربية (Arabic)",
    ):
        assert f"<td>{name}</td><td>1</td>" in html, "language names, not codes"


def test_a_sender_of_one_list_cannot_act_on_anothers_mailing(client, setup):
    page, legal, outreach = setup
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=page, list_ids=[outreach.pk]
    )
    client.force_login(sender_of(legal))
    for name in ("detail", "progress", "export_csv"):
        assert refused(
            client.get(reverse(f"campaigns_mailings:{name}", args=[mailing.pk]))
        )
    for name in ("send_now", "pause", "resume", "cancel", "send_test"):
        assert refused(
            client.post(reverse(f"campaigns_mailings:{name}", args=[mailing.pk]))
        )
    assert Mailing.objects.get().status == Mailing.Status.DRAFT
    listing = client.get(reverse("campaigns_mailings:index"))
    assert listing.status_code == 200
    assert f'href="/admin/mailings/{mailing.pk}/"' not in listing.content.decode()


def test_only_a_page_with_an_email_form_can_be_mailed(client, setup, home_page):
    """A home or signup page has no e-mail: chosen, its start failed in the worker
    and the mailing stayed "starting" for good. The chooser offers bulletins,
    alerts and events; the form and the service refuse anything else."""
    from campaigns.mailings.exceptions import MailingStateError

    _page, legal, _ = setup
    client.force_login(SuperuserFactory())
    url = reverse("campaigns_mailings:create")
    form = client.get(url).context["form"]
    assert {model.__name__ for model in form.fields["page"].widget.target_models} == {
        "BulletinPage",
        "AlertPage",
        "EventPage",
    }
    refused = client.post(
        url, {"page": home_page.pk, "lists": [legal.pk], "lane": "bulk"}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["page"]
    with pytest.raises(MailingStateError):
        control.create_mailing(
            user=SuperuserFactory(username="other"), page=home_page, list_ids=[legal.pk]
        )
    assert not Mailing.objects.exists()


def test_form_offers_only_sendable_lists(client, setup):
    _page, legal, outreach = setup
    client.force_login(sender_of(legal))
    form = client.get(reverse("campaigns_mailings:create")).context["form"]
    assert list(form.fields["lists"].queryset) == [legal]
    client.force_login(UserFactory())
    assert client.get(reverse("campaigns_mailings:create")).status_code in (302, 403)


def test_send_now_schedules_the_start_on_commit_and_not_twice(
    client, setup, django_capture_on_commit_callbacks
):
    page, legal, _ = setup
    user = sender_of(legal)
    mailing = control.create_mailing(user=user, page=page, list_ids=[legal.pk])
    client.force_login(user)
    url = reverse("campaigns_mailings:send_now", args=[mailing.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        question = client.post(url)
    assert "Send it now to 2 people in 2 languages on 1 list?" in (
        question.content.decode()
    )
    assert not callbacks, "the first press only asks"
    assert Mailing.objects.get().status == Mailing.Status.DRAFT
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, {"confirmed": "1"})
    assert len(callbacks) == 1
    assert Mailing.objects.get().status == Mailing.Status.STARTING
    client.post(url, {"confirmed": "1"})
    assert Mailing.objects.get().status == Mailing.Status.STARTING


def test_report_csv_has_counts_and_no_addresses(client, setup):
    page, legal, _ = setup
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=page, list_ids=[legal.pk]
    )
    from campaigns.mailings.services.starting import materialise_deliveries

    materialise_deliveries(mailing, ["en", "es"])
    client.force_login(SuperuserFactory())
    body = client.get(
        reverse("campaigns_mailings:export_csv", args=[mailing.pk])
    ).content.decode()
    assert body.splitlines()[0].startswith("dimension,value,queued")
    assert "language,es,1" in body
    assert "@" not in body


def test_test_copy_message_counts_the_copies_it_sends(client, setup):
    """One test copy goes out per language, all to the staff member's own address."""
    page, legal, outreach = setup
    user = SuperuserFactory()
    client.force_login(user)
    three = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk, outreach.pk]
    )
    url = reverse("campaigns_mailings:send_test", args=[three.pk])
    answer = client.post(url, follow=True).content.decode()
    assert f"3 test copies, one per language, are on their way to {user.email}." in (
        answer
    )
    assert "A test copy" not in answer

    (english,) = lists(1)
    subscribe("kasia@example.org", [english], language="en")
    one = control.create_mailing(user=user, page=page, list_ids=[english.pk])
    url = reverse("campaigns_mailings:send_test", args=[one.pk])
    answer = client.post(url, follow=True).content.decode()
    assert f"A test copy is on its way to {user.email}." in answer

    # Polish has a form for 2-4 of a thing.

    speaking(user, "pl")
    url = reverse("campaigns_mailings:send_test", args=[three.pk])
    answer = client.post(url, follow=True).content.decode()
    assert f"3 kopie testowe, po jednej na język, są w drodze do {user.email}." in (
        answer
    )


def test_cancelling_a_mailing_asks_first_and_says_what_went_out(client, setup):
    """Cancelling is final (the rest never goes out), beside Pause: the first press
    only asks, with what has been handed over so far."""
    page, legal, _ = setup
    user = sender_of(legal)
    mailing = control.create_mailing(user=user, page=page, list_ids=[legal.pk])
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.SENDING)
    ana = Subscriber.objects.get(email_hash=crypto.lookup_hash("ana@example.org"))
    Delivery.objects.create(
        mailing=mailing, subscriber=ana, language="es", status=Delivery.Status.SENT
    )
    client.force_login(user)
    url = reverse("campaigns_mailings:cancel", args=[mailing.pk])

    asked = client.post(url)
    html = asked.content.decode()
    assert "Cancel this mailing? Whoever of 2 people in 2 languages on 1 list" in html
    assert "Messages handed over so far: 1. Nothing more goes out." in html
    assert "go back and pause it" in html
    assert "What goes out" not in html, "nothing does"
    assert Mailing.objects.get().status == Mailing.Status.SENDING
    assert client.get(url).status_code == 302, "a reload goes to the mailing"

    client.post(url, {"confirmed": "1"})
    assert Mailing.objects.get().status == Mailing.Status.CANCELLED


def test_a_draft_says_what_each_language_gets_before_it_goes(client, setup):
    """As the alert screen does: the bulletin has only English, so its Spanish,
    Chinese and Arabic readers get its English text in their own language's frame."""
    page, legal, outreach = setup
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk, outreach.pk]
    )
    client.force_login(user)
    html = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk])).content
    body = html.decode()
    assert "What each language gets" in body
    assert 'id="reader-languages"' in body
    rows = body.split('id="reader-languages"')[1].split("</table>")[0]
    # Every language but English, as on the alert screen (with its readers, or 0).
    assert rows.count("English text, their language around it") == 5
    assert '<td lang="es">Español (Spanish)</td>\n                <td>1</td>' in rows


def test_every_test_copy_has_its_own_message_id_and_a_translated_mark(
    setup, mailoutbox
):
    """Mail clients hide a message whose Message-ID they have seen: each language's copy,
    and the copy sent after a correction, needs its own, never a delivery's."""
    from campaigns.mailings.services.testing import send_test_mailing

    page, legal, outreach = setup
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk, outreach.pk]
    )
    assert send_test_mailing(mailing_id=mailing.pk, user_id=user.pk) == 3
    assert send_test_mailing(mailing_id=mailing.pk, user_id=user.pk) == 3
    ids = [message.extra_headers["Message-ID"] for message in mailoutbox]
    assert len(ids) == 6
    assert len(set(ids)) == 6
    assert all(
        re.fullmatch(rf"<t[0-9a-f]+\.m{mailing.pk}@{re.escape(DOMAIN)}>", i)
        for i in ids
    )
    assert {message.subject for message in mailoutbox} == {
        "[Prueba] Español (Spanish): March bulletin",
        "[测试] 简体中文 (Simplified Chinese)：March bulletin",
        "[تجربة] العربية (Arabic): March bulletin",
    }
    # A copy belongs to no subscriber: its footer links lead to the site, in its
    # language (an Arabic copy's led to the English front page).
    arabic = next(m for m in mailoutbox if m.subject.startswith("[تجربة]"))
    assert f'href="{BASE}/ar/"' in arabic.alternatives[0][0]
    assert f'href="{BASE}/"' not in arabic.alternatives[0][0]


def sent_earlier(page, mailing_lists, *, status=Mailing.Status.SENT):
    from django.utils import timezone

    earlier = Mailing.objects.create(page=page, status=status)
    earlier.lists.set(mailing_lists)
    if status == Mailing.Status.SCHEDULED:
        earlier.scheduled_at = timezone.now() + timezone.timedelta(days=1)
    else:
        earlier.started_at = timezone.now()
        earlier.recipients_count = 2
    earlier.save()
    return earlier


def test_sending_a_page_again_names_its_earlier_sends_to_the_same_lists(client, setup):
    """The same page to the same lists reaches its readers twice: the review and the
    confirmation say when it already went (only lists both mailings share)."""
    page, legal, outreach = setup
    (other,) = lists(1)
    user = SuperuserFactory()
    client.force_login(user)
    first = sent_earlier(page, [legal, other])
    planned = sent_earlier(page, [outreach], status=Mailing.Status.SCHEDULED)
    sent_earlier(page, [other])  # no list in common: not named
    again = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk, outreach.pk]
    )

    review = client.get(reverse("campaigns_mailings:detail", args=[again.pk]))
    confirmation = client.post(reverse("campaigns_mailings:send_now", args=[again.pk]))
    for screen in (review.content.decode(), confirmation.content.decode()):
        assert f"This page already went to {legal.name} on " in screen
        assert f"(mailing {first.pk})." in screen
        assert f"already scheduled to go to {outreach.name} on " in screen
        assert f"(mailing {planned.pk})." in screen
        assert other.name not in screen
        assert screen.count("(mailing ") == 2

    fresh = control.create_mailing(
        user=user, page=build_bulletin(title="April bulletin"), list_ids=[legal.pk]
    )
    screen = client.post(reverse("campaigns_mailings:send_now", args=[fresh.pk]))
    assert "This page already" not in screen.content.decode()


def test_mailing_a_translation_names_the_sends_of_the_page_it_translates(client, setup):
    """Found by the editor tester: after the English bulletin went to Legal
    Protection, the Arabic translation's editor offered "Send as mailing", and its
    review and confirmation said nothing, though every reader of the list (each in
    their own language, as before) would get the bulletin a second time."""
    from tests.factories import translate_page

    page, legal, _outreach = setup
    user = SuperuserFactory()
    client.force_login(user)
    first = sent_earlier(page, [legal])
    arabic = translate_page(page, "ar", title="نشرة مارس")
    arabic.refresh_from_db()
    again = control.create_mailing(user=user, page=arabic, list_ids=[legal.pk])

    review = client.get(reverse("campaigns_mailings:detail", args=[again.pk]))
    confirmation = client.post(reverse("campaigns_mailings:send_now", args=[again.pk]))
    for screen in (review.content.decode(), confirmation.content.decode()):
        assert f"This page already went to {legal.name} on " in screen
        assert f"(mailing {first.pk})." in screen


def test_publishing_a_page_that_went_out_says_so_instead_of_offering_a_send(
    client, setup
):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    page, legal, _outreach = setup
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "date": str(page.date),
            "summary": "",
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    answer = client.post(edit, form, follow=True).content.decode()
    assert "is live. Send it to your lists?" in answer

    sent_earlier(page, [legal])
    answer = client.post(edit, form, follow=True).content.decode()
    assert "is live. It already went out as a mailing on " in answer
    assert "Send it to your lists?" not in answer


def test_republishing_a_rally_whose_alert_went_out_does_not_invite_a_second_send(
    client, home_page
):
    """Found by the organizer tester: after an alert had gone to the lists and guests
    had RSVPed, republishing the rally's event said "Send it to your lists?", inviting
    the same readers to a second, bulk copy."""
    from cms.models import AlertPage
    from tests.events.test_guest_notices import edit_form
    from tests.factories import build_bulletin_index, build_event

    legal, _outreach = lists(2)
    event = build_event(title="Know Your Rights rally", venue="Federal Plaza")
    alert = AlertPage(title="Rally today", slug="rally-today", message="<p>Come.</p>")
    alert.event = event
    build_bulletin_index(home_page).add_child(instance=alert)
    alert.save_revision().publish()
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailadmin_pages:edit", args=[event.pk])

    before = client.post(edit, edit_form(event), follow=True).content.decode()
    sent_earlier(alert, [legal])
    after = client.post(edit, edit_form(event), follow=True).content.decode()

    assert "is live. Send it to your lists?" in before
    assert "Send it to your lists?" not in after
    assert "It already went out as a mailing on " in after


def test_a_mailing_to_nobody_cannot_be_sent(client, setup, mailoutbox):
    """Found by the editor tester: a ZIP prefix typed wrong ("99999") left nobody in
    the audience, and the review still offered "Send now to 0 people", then "Yes,
    send now": the mailing was recorded as sent to the list, and the real send
    afterwards was warned about as a second copy."""
    from campaigns.mailings.exceptions import MailingStateError

    page, legal, _outreach = setup
    user = SuperuserFactory()
    client.force_login(user)
    mailing = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk], zip_prefix="99999"
    )
    detail = reverse("campaigns_mailings:detail", args=[mailing.pk])
    send_now = reverse("campaigns_mailings:send_now", args=[mailing.pk])

    review = client.get(detail).content.decode()
    assert "Send now to 0 people" not in review
    assert 'id="nobody"' in review
    assert "Nobody would get this mailing" in review
    asked = client.post(send_now, follow=True).content.decode()
    assert "Yes, send now" not in asked
    assert "Nobody would get this mailing" in asked
    client.post(send_now, {"confirmed": "1"})
    with pytest.raises(MailingStateError):
        control.send_now(user=user, mailing_id=mailing.pk)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT

    everyone = control.create_mailing(user=user, page=page, list_ids=[legal.pk])
    review = client.get(
        reverse("campaigns_mailings:detail", args=[everyone.pk])
    ).content.decode()
    assert "Send now to 2 people" in review
    assert 'id="nobody"' not in review


def test_people_an_earlier_mailing_reached_on_another_list_are_counted(client, setup):
    """Found by the editor tester: the bulletin went to Legal Protection, then to
    Community Outreach; a reader on both lists got it twice, and nothing said so
    (no list in common, so no "already went to ..." either)."""
    from campaigns.mailings.models import Delivery

    page, legal, outreach = setup
    user = SuperuserFactory()
    client.force_login(user)
    first = sent_earlier(page, [legal])
    for subscriber in Subscriber.objects.filter(subscriptions__mailing_list=legal):
        Delivery.objects.create(
            mailing=first,
            subscriber=subscriber,
            language=subscriber.language,
            status=Delivery.Status.SENT,
        )
    again = control.create_mailing(user=user, page=page, list_ids=[outreach.pk])

    review = client.get(reverse("campaigns_mailings:detail", args=[again.pk]))
    confirmation = client.post(reverse("campaigns_mailings:send_now", args=[again.pk]))
    for screen in (review.content.decode(), confirmation.content.decode()):
        assert (
            "1 person in this audience already got this page from an earlier "
            f"mailing (mailing {first.pk}), on another list: they would get it a "
            "second time." in screen
        )
        assert "This page already went to" not in screen

    both = control.create_mailing(
        user=user, page=page, list_ids=[legal.pk, outreach.pk]
    )
    screen = client.get(reverse("campaigns_mailings:detail", args=[both.pk]))
    assert "on another list" not in screen.content.decode(), "named by its list"


def test_a_second_yes_from_another_tab_says_in_words_that_nothing_more_went(
    client, setup, django_capture_on_commit_callbacks
):
    """Found by the editor tester: the confirmation left open in a second tab and
    answered "Yes, send now" again showed "this mailing has already started", in
    lower case and in English whatever the admin's language (the service's errors
    were not translatable). Nothing is sent twice, and the message says so."""
    page, legal, _ = setup
    user = sender_of(legal)
    mailing = control.create_mailing(user=user, page=page, list_ids=[legal.pk])
    client.force_login(user)
    url = reverse("campaigns_mailings:send_now", args=[mailing.pk])
    with django_capture_on_commit_callbacks() as first:
        client.post(url, {"confirmed": "1"})
    with django_capture_on_commit_callbacks() as second:
        again = client.post(url, {"confirmed": "1"}, follow=True)
    assert (len(first), len(second)) == (1, 0)
    assert (
        "This mailing has already started: it is not started a second time."
        in again.content.decode()
    )


def test_a_scheduled_mailing_that_reached_nobody_is_no_earlier_send(client, setup):
    """A mailing scheduled to a list that was empty when it started is marked sent
    with nobody reached: the real send afterwards must not be warned about as a second
    copy ("This page already went to ..."), nor publishing the page say it went out."""
    page, legal, _outreach = setup
    user = SuperuserFactory()
    client.force_login(user)
    empty = sent_earlier(page, [legal])
    empty.recipients_count = 0
    empty.save()
    real = control.create_mailing(user=user, page=page, list_ids=[legal.pk])

    review = client.get(reverse("campaigns_mailings:detail", args=[real.pk]))
    assert "This page already went to" not in review.content.decode()

    empty.recipients_count = 3
    empty.save()
    review = client.get(reverse("campaigns_mailings:detail", args=[real.pk]))
    assert f"This page already went to {legal.name} on " in review.content.decode()


def test_a_mailing_without_lists_is_not_everyones(client, setup):
    """Its lists deleted, a mailing's permission check passed for any admin user (no
    list the user may not send to): only those who may send at all may open it."""
    from django.contrib.auth.models import Permission

    page, legal, _outreach = setup
    sender = sender_of(legal)
    mailing = control.create_mailing(user=sender, page=page, list_ids=[legal.pk])
    mailing.lists.clear()
    staff = UserFactory()
    staff.user_permissions.add(
        Permission.objects.get(
            codename="access_admin", content_type__app_label="wagtailadmin"
        )
    )
    client.force_login(staff)
    detail = reverse("campaigns_mailings:detail", args=[mailing.pk])
    # Wagtail answers a PermissionDenied with a redirect to the dashboard.
    assert client.get(detail).status_code in (302, 403)
    client.force_login(sender)
    assert client.get(detail).status_code == 200

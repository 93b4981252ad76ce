"""Every mass action asks first, naming the audience per language and per list, and
does nothing until confirmed; the two-person rule is shown and, when nobody else could
approve, refused before anything is written."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.exceptions import AlertError
from campaigns.mailings.models import Mailing
from campaigns.mailings.services import alerts, control
from cms.models import AlertPage
from events.models import EventPage
from subscribers.models import ListPermission
from tests.campaigns.alert_fixtures import alert_site, organizer, rally
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import MailingListFactory, SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(home_page):
    alert_site(home_page)
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    subscribe("ana@example.org", [legal, outreach], language="es")
    subscribe("luis@example.org", [outreach], language="es")
    subscribe("grace@example.org", [legal], language="en")
    subscribe("wei@example.org", [outreach], language="zh-hans")
    return legal, outreach


def test_send_now_and_schedule_ask_first_with_the_audience(client, lists):
    legal, outreach = lists
    user = SuperuserFactory()
    bulletin = build_bulletin(title="March bulletin")
    mailing = control.create_mailing(
        user=user, page=bulletin, list_ids=[legal.pk, outreach.pk]
    )
    client.force_login(user)

    asked = client.post(reverse("campaigns_mailings:send_now", args=[mailing.pk]))
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "Send it now to 4 people in 3 languages on 2 lists?" in html
    assert "<td>Español (Spanish)</td><td>2</td>" in html
    assert "<td>Legal Protection/Services</td><td>2</td>" in html
    assert "<td>Community Outreach/Education</td><td>3</td>" in html
    assert 'name="confirmed" value="1"' in html
    back = reverse("campaigns_mailings:detail", args=[mailing.pk])
    assert f'href="{back}"' in html, "going back does nothing"
    assert Mailing.objects.get().status == Mailing.Status.DRAFT

    when = timezone.localtime(timezone.now() + timedelta(days=1))
    asked = client.post(
        reverse("campaigns_mailings:schedule", args=[mailing.pk]),
        {"send_at": when.strftime("%Y-%m-%d %H:%M")},
    )
    html = asked.content.decode()
    assert "to 4 people in 3 languages on 2 lists?" in html
    assert when.strftime("%Z") in html, "the time with its zone"
    assert Mailing.objects.get().status == Mailing.Status.DRAFT

    client.post(
        reverse("campaigns_mailings:schedule", args=[mailing.pk]),
        {"send_at": when.strftime("%Y-%m-%d %H:%M"), "confirmed": "1"},
    )
    assert Mailing.objects.get().status == Mailing.Status.SCHEDULED


def test_update_confirmation_names_the_end_a_new_start_moves(
    client, lists, django_capture_on_commit_callbacks
):
    """A new start alone moves the end with it (services.alerts.keep_length): the
    confirmation says so before anyone is told, in the organizer's Chicago time."""
    from campaigns.mailings.admin_views import local_datetime
    from cms.local_time import city_zone

    legal, outreach = lists
    user = organizer("olga", [legal, outreach])
    client.force_login(user)
    mailing = rally(user, [legal.pk, outreach.pk])
    with django_capture_on_commit_callbacks(execute=False):
        alerts.send_alert(user=user, mailing_id=mailing.pk)
    event = EventPage.objects.get()
    later = timezone.localtime(event.start + timedelta(hours=1), city_zone())
    asked = client.post(
        reverse("campaigns_mailings:alert_update", args=[mailing.pk]),
        {"message": "An hour later.", "start": later.strftime("%Y-%m-%dT%H:%M")},
    ).content.decode()
    start = later.replace(second=0, microsecond=0)
    length = event.end - event.start
    assert unescape(f"New start: {local_datetime(start)}") in unescape(asked)
    assert unescape(f"New end: {local_datetime(start + length)}") in unescape(asked)


def test_alert_actions_ask_first_and_show_what_goes_out(
    client, lists, django_capture_on_commit_callbacks
):
    legal, outreach = lists
    user = organizer("olga", [legal, outreach])
    client.force_login(user)
    mailing = rally(user, [legal.pk, outreach.pk])
    screen = client.get(reverse("campaigns_mailings:alert", args=[mailing.pk]))
    html = screen.content.decode()
    assert "Send update" not in html, "a draft shows only what a draft can do"
    assert "Cancel event" not in html
    assert "Discard this alert" in html

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        asked = client.post(reverse("campaigns_mailings:alert_send", args=[mailing.pk]))
    assert "Send this alert to 4 people in 3 languages on 2 lists?" in (
        asked.content.decode()
    )
    assert "Join us in three hours." in asked.content.decode()
    assert not callbacks
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_send", args=[mailing.pk]),
            {"confirmed": "1"},
        )
    assert Mailing.objects.get().status == Mailing.Status.STARTING

    html = client.get(reverse("campaigns_mailings:alert", args=[mailing.pk])).content
    assert b"Send update" in html
    assert b"Cancel event" in html

    update = {"message": "Moved to the south entrance.", "venue": "South entrance"}
    asked = client.post(
        reverse("campaigns_mailings:alert_update", args=[mailing.pk]), update
    ).content.decode()
    assert "Send this update to 4 people in 3 languages on 2 lists?" in asked
    assert "Update: Rally at the DHS office" in asked
    assert "New venue: South entrance" in asked
    assert 'name="venue" value="South entrance"' in asked, "carried to the confirmation"
    assert EventPage.objects.get().venue == "Federal Plaza"
    assert Mailing.objects.count() == 1

    cancel = {"message": "Called off: stay safe.", "notify": "on"}
    asked = client.post(
        reverse("campaigns_mailings:alert_cancel_event", args=[mailing.pk]), cancel
    ).content.decode()
    assert "Cancel the event and tell 4 people in 3 languages on 2 lists?" in asked
    assert "Cancelled: Rally at the DHS office" in asked
    assert "Called off: stay safe." in asked, "the message that will go out"
    assert not EventPage.objects.get().cancelled
    assert Mailing.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("campaigns_mailings:alert_cancel_event", args=[mailing.pk]),
            {**cancel, "confirmed": "1"},
        )
    assert EventPage.objects.get().cancelled
    assert AlertPage.objects.filter(kind="cancellation").count() == 1


def test_the_alert_form_marks_lists_that_need_a_second_person(client, lists):
    legal, outreach = lists
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal, outreach], group_name="Organizers")
    second = organizer("sam", [legal], group_name="Organizers")
    second.first_name, second.last_name = "Sam", "Rivera"
    second.save()
    client.force_login(author)

    html = unescape(
        client.get(reverse("campaigns_mailings:rally_alert")).content.decode()
    )

    assert (
        "Legal Protection/Services — needs a second person's approval "
        "(Sam Rivera may approve)" in html
    )
    assert "Community Outreach/Education</label>" in html
    assert "Community Outreach/Education —" not in html


def test_an_alert_nobody_else_could_approve_is_refused_before_anything_is_written(
    client, lists
):
    legal, outreach = lists
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal, outreach], group_name="Organizers")
    colleague = organizer("pat", [outreach], group_name="Outreach team")
    colleague.first_name, colleague.last_name = "Pat", "Lee"
    colleague.save()
    client.force_login(author)
    form = unescape(
        client.get(reverse("campaigns_mailings:rally_alert")).content.decode()
    )
    assert "nobody else may give it yet" in form

    response = client.post(
        reverse("campaigns_mailings:rally_alert"),
        {
            "title": "Rally at the DHS office",
            "what": "Press conference",
            "start": timezone.localtime(timezone.now() + timedelta(hours=3)).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "message": "Join us.",
            "lists": [legal.pk],
        },
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Nobody else may approve an alert to “Legal Protection/Services”" in html
    assert "(Organizers)" in html, "the group that holds the right"
    assert "Pat Lee" in html, "who could be given the right"
    assert "An administrator" in html, "and who can give it"
    assert not EventPage.objects.exists()
    assert not AlertPage.objects.exists()
    assert not Mailing.objects.exists()


def test_sending_is_refused_when_the_only_approver_lost_the_right(lists):
    legal, outreach = lists
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal], group_name="Organizers")
    second = organizer("sam", [legal], group_name="Legal team")
    mailing = rally(author, [legal.pk])
    ListPermission.objects.filter(group__name="Legal team").delete()
    second.refresh_from_db()

    with pytest.raises(AlertError, match="Nobody else may approve"):
        alerts.send_alert(user=author, mailing_id=mailing.pk)
    assert Mailing.objects.get().status == Mailing.Status.DRAFT

    admin = SuperuserFactory(username="boss")
    assert alerts.approvers_for([legal.pk], author_id=author.pk) == [admin]
    assert alerts.send_alert(user=author, mailing_id=mailing.pk) == "awaiting"


def test_groups_get_list_permissions_in_the_group_editor(client, lists):
    legal, outreach = lists
    group = Group.objects.create(name="Legal team")
    client.force_login(SuperuserFactory())
    edit = reverse("wagtailusers_groups:edit", args=[group.pk])
    html = client.get(edit).content.decode()
    assert "Mailing lists" in html
    assert 'aria-label="send mailings: Legal Protection/Services"' in html

    response = client.post(
        edit,
        {
            "name": "Legal team",
            "list_permissions-send": [legal.pk],
            "list_permissions-view": [legal.pk, outreach.pk],
            **_empty_page_permissions(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    granted = set(group.list_permissions.values_list("permission", "mailing_list"))
    assert granted == {("send", legal.pk), ("view", legal.pk), ("view", outreach.pk)}

    client.post(
        edit,
        {
            "name": "Legal team",
            "list_permissions-view": [legal.pk],
            **_empty_page_permissions(),
        },
    )
    assert set(group.list_permissions.values_list("permission", "mailing_list")) == {
        ("view", legal.pk)
    }


def _empty_page_permissions() -> dict:
    """The management forms Wagtail's group editor expects from its other panels."""
    data = {}
    for prefix in (
        "page_permissions",
        "collection_permissions",
        "document_permissions",
        "image_permissions",
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_a_get_of_an_action_goes_back_to_its_page_not_a_blank_405(client, lists):
    """Back or an address-bar reload onto a confirmation screen is a GET of the
    action's URL: it lands on the mailing's (or alert's) page and does nothing."""
    legal, outreach = lists
    user = SuperuserFactory()
    bulletin = build_bulletin(title="March bulletin")
    mailing = control.create_mailing(user=user, page=bulletin, list_ids=[legal.pk])
    alert = rally(user, [legal.pk])
    client.force_login(user)

    detail = reverse("campaigns_mailings:detail", args=[mailing.pk])
    for name in ("send_now", "schedule"):
        url = reverse(f"campaigns_mailings:{name}", args=[mailing.pk])
        assert client.get(url)["Location"] == detail
        assert client.put(url).status_code == 405
    alert_page = reverse("campaigns_mailings:alert", args=[alert.pk])
    for name in ("alert_send", "alert_approve", "alert_update", "alert_cancel_event"):
        url = reverse(f"campaigns_mailings:{name}", args=[alert.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == alert_page
    assert client.get(alert_page).status_code == 200
    assert {m.status for m in Mailing.objects.all()} == {Mailing.Status.DRAFT}


def test_translations_older_than_the_page_are_named_before_sending(client, lists):
    """The tester's case: an image added to the English bulletin and published; the
    Spanish and Arabic translations still had the old text, and nothing said so."""
    from tests.factories import translate_page

    legal, outreach = lists
    user = SuperuserFactory()
    bulletin = build_bulletin(title="March bulletin")
    spanish = translate_page(bulletin, "es", title="Boletín de marzo")
    translate_page(bulletin, "ar", title="نشرة مارس")
    mailing = control.create_mailing(user=user, page=bulletin, list_ids=[legal.pk])
    client.force_login(user)
    send_now = reverse("campaigns_mailings:send_now", args=[mailing.pk])
    detail = reverse("campaigns_mailings:detail", args=[mailing.pk])
    assert "stale-translations" not in client.get(detail).content.decode()
    assert "was published after its translation" not in unescape(
        client.post(send_now).content.decode()
    )

    bulletin.save_revision().publish()  # the English page changes
    spanish.save_revision().publish()  # Spanish is brought up to date, Arabic is not

    asked = unescape(client.post(send_now).content.decode())
    shown = unescape(client.get(detail).content.decode())
    note = "The English page was published after its translation into العربية (Arabic):"
    assert note in asked
    assert note in shown
    assert "Spanish" not in asked.split("translation into")[1].split("</p>")[0]
    # There is no Translate menu: the item is in the editor header's "…" menu.
    assert "“Sync translated pages” in the “…” menu at the top" in asked
    assert "Translate ›" not in asked
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_the_send_time_is_the_browsers_own_picker(client, lists):
    """Wagtail's picker turned a time it could not read into "now"; the browser's
    datetime-local sends a whole ISO time, which schedules the mailing unchanged."""
    legal, _outreach = lists
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=build_bulletin(title="April bulletin"), list_ids=[legal.pk]
    )
    client.force_login(user)
    page = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    assert 'type="datetime-local"' in page.content.decode()

    when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
        second=0, microsecond=0
    )
    client.post(
        reverse("campaigns_mailings:schedule", args=[mailing.pk]),
        {"send_at": when.strftime("%Y-%m-%dT%H:%M"), "confirmed": "1"},
    )

    assert Mailing.objects.get(pk=mailing.pk).scheduled_at == when


def test_the_send_time_is_not_marked_required_but_a_schedule_needs_one(client, lists):
    """ "Send now" needs no time, so the field carries no asterisk (nor a required
    attribute); a schedule posted without a time is still refused."""
    legal, _outreach = lists
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=build_bulletin(title="April bulletin"), list_ids=[legal.pk]
    )
    client.force_login(user)
    html = client.get(
        reverse("campaigns_mailings:detail", args=[mailing.pk])
    ).content.decode()
    label = re.search(r'<label[^>]*for="id_send_at"[^>]*>(.*?)</label>', html, re.S)
    assert label.group(1).strip() == "Send at"
    field = re.search(r'<input[^>]*name="send_at"[^>]*>', html).group(0)
    assert " required" not in field

    url = reverse("campaigns_mailings:schedule", args=[mailing.pk])
    for data in ({"send_at": ""}, {"send_at": "", "confirmed": "1"}, {}):
        answer = client.post(url, data, follow=True)
        assert "Give a valid date and time." in answer.content.decode()
        assert "Schedule this mailing?" not in answer.content.decode()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert mailing.scheduled_at is None


def test_what_is_not_published_is_named_before_sending(
    client, lists, django_capture_on_commit_callbacks
):
    """Found by the editor tester: the Arabic and Chinese translations were typed in the
    translation editor but not yet published; the review said "English text, their
    language around it" like for a language nobody translated, and "Send now" sent
    those readers the English text. The preview shows the latest draft, the send what
    is live: unpublished translations, passages saved after a translation's publish and
    the page's own draft are named on the review and the confirmation."""
    from wagtail.models import Locale
    from wagtail_localize.models import StringTranslation, TranslationSource

    legal, outreach = lists
    subscribe("omar@example.org", [legal], language="ar")
    user = SuperuserFactory()
    bulletin = build_bulletin(title="March bulletin", summary="Legal help.")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtail_localize:submit_page_translation", args=[bulletin.pk]),
            {
                "locales": [
                    Locale.objects.get(language_code=code).pk
                    for code in ("ar", "es", "hi", "zh-hans")
                ]
            },
        )
    mailing = control.create_mailing(
        user=user, page=bulletin, list_ids=[legal.pk, outreach.pk]
    )
    send_now = reverse("campaigns_mailings:send_now", args=[mailing.pk])
    detail = reverse("campaigns_mailings:detail", args=[mailing.pk])

    def screens():
        return (
            unescape(client.get(detail).content.decode()),
            unescape(client.post(send_now).content.decode()),
        )

    for screen in screens():
        # Several languages: "translations ... are", "Publish them" (it said "The
        # translation into ..., ..., ... is not published ... Publish it first").
        assert (
            "The translations into Español (Spanish), 简体中文 (Simplified Chinese), "
            "العربية (Arabic) are not published: those readers would get the English "
            "text. Publish them first" in screen
        )
        assert "Hindi" not in screen.split("are not published")[0].split("<p>")[-1]
        assert "has changes that are not published" not in screen

    def translate(path, text):
        source = TranslationSource.objects.get_for_instance(bulletin)
        segment = source.stringsegment_set.get(context__path=path)
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=Locale.objects.get(language_code="ar"),
            context=segment.context,
            defaults={"data": text},
        )

    arabic = bulletin.get_translation(Locale.objects.get(language_code="ar"))
    translate("title", "نشرة مارس")
    with django_capture_on_commit_callbacks(execute=True):  # localize publishes then
        client.post(
            reverse("wagtailadmin_pages:edit", args=[arabic.pk]),
            {"action": "publish", "action-publish": "publish"},
        )
    arabic.refresh_from_db()
    assert arabic.live
    for screen in screens():
        assert (
            "The translations into Español (Spanish), 简体中文 (Simplified Chinese) "
            "are not published" in screen
        )
        assert "العربية (Arabic) are not published" not in screen
        assert "changes that are not published" not in screen

    # A correction saved in the translation editor after the publish, and a draft of
    # the English page: neither is what would go out.
    translate("summary", "مساعدة قانونية.")
    bulletin.summary = "Legal help: who to call."
    bulletin.save_revision()
    for screen in screens():
        assert (
            "The translation into العربية (Arabic) has changes that are not "
            "published: those readers would get it as it was last published." in screen
        )
        assert (
            "“March bulletin” has changes that are not published: the mailing sends "
            "the published version" in screen
        )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT

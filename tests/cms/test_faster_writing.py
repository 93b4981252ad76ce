"""Faster writing: the next bulletin from the last one, primary header buttons on pages
that can be mailed, event listings that fill themselves, readable block labels."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import GroupPagePermission

from cms.blocks import BulletinStreamBlock, EventListingBlock
from cms.models import BulletinPage
from cms.services import last_bulletin, start_next_bulletin
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
    speaking,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def last(home_page):
    index = build_bulletin_index(home_page)
    event = build_event(build_event_index(home_page), title="Lobby day")
    build_bulletin(
        index, title="January bulletin", date=timezone.localdate().replace(year=2020)
    )
    return build_bulletin(
        index,
        title="Important resources and news for immigrants",
        date=timezone.localdate().replace(year=2021),
        summary="February's news.",
        body=[
            ("heading", {"text": "News", "level": "h2"}),
            (
                "news_item",
                {"title": "Ban blocked", "summary": "The court ruled.", "link": ""},
            ),
            (
                "event_listing",
                {
                    "title": "Events",
                    "events": [event.pk],
                    "kinds": ["rally"],
                    "limit": 3,
                },
            ),
        ],
    )


def test_the_next_bulletin_copies_the_structure_and_clears_the_dates(last):
    assert last_bulletin() == last
    user = SuperuserFactory()

    draft = start_next_bulletin(user=user, source=last)

    assert not draft.live
    assert draft.has_unpublished_changes
    assert draft.get_parent().pk == last.get_parent().pk
    assert draft.title == last.title
    assert draft.date == timezone.localdate()
    assert draft.summary == ""
    assert (
        draft.slug
        == f"important-resources-and-news-for-immigrants-{timezone.localdate():%Y-%m}"
    )
    assert [block.block_type for block in draft.body] == [
        "heading",
        "news_item",
        "event_listing",
    ]
    assert {block.id for block in draft.body}.isdisjoint(
        {block.id for block in last.body}
    )
    listing = draft.body[2].value
    assert list(listing["events"]) == [], "upcoming events, not last month's"
    assert list(listing["kinds"]) == ["rally"]
    assert listing["limit"] == 3
    assert draft.latest_revision is not None

    again = start_next_bulletin(user=user, source=last)
    assert again.slug == draft.slug + "-2"
    assert BulletinPage.objects.get(pk=last.pk).live, "the last one is untouched"


def _publish(client, page, *, title: str, slug: str, day):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    form = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": str(day),
            "summary": "",
            "body": streamfield([]),
            "action-publish": "publish",
        }
    )
    answer = client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)
    assert answer.status_code == 302, answer.content.decode()[-3000:]
    return BulletinPage.objects.get(pk=page.pk)


def test_the_next_bulletin_takes_its_slug_from_its_new_title_and_date(client, last):
    """The draft's slug came from the last bulletin's title and stayed so when the
    editor retitled it (Wagtail's title-to-slug sync is off for a slug that is not
    the title's): "March news" went live as /important-resources-...-2026-12/."""
    user = SuperuserFactory()
    client.force_login(user)
    today = timezone.localdate()
    month = f"{today:%Y-%m}"

    draft = start_next_bulletin(user=user, source=last)
    published = _publish(client, draft, title="March news", slug=draft.slug, day=today)
    assert published.live
    assert published.slug == f"march-news-{month}"
    assert client.get(published.url).status_code == 200

    # Same new title again: a free slug, no clash, no error.
    again = start_next_bulletin(user=user, source=published)
    again = _publish(client, again, title="March news", slug=again.slug, day=today)
    assert again.slug == f"march-news-{month}-2"

    # A date moved to another month moves the slug's month.
    later = start_next_bulletin(user=user, source=published)
    moved = today.replace(year=today.year + 1)
    later = _publish(client, later, title="Next year", slug=later.slug, day=moved)
    assert later.slug == f"next-year-{moved:%Y-%m}"

    # A slug the editor typed is theirs; a published page keeps its address.
    own = start_next_bulletin(user=user, source=published)
    own = _publish(client, own, title="Own words", slug="our-own-slug", day=today)
    assert own.slug == "our-own-slug"
    renamed = _publish(
        client, published, title="Renamed", slug=published.slug, day=today
    )
    assert renamed.slug == f"march-news-{month}"


def test_only_people_who_may_add_bulletins_can_start_one(client, last):
    outsider = UserFactory()
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_next_bulletin(user=outsider, source=last)
    client.force_login(outsider)
    response = client.post(reverse("cms_next_bulletin"), {"from": last.pk})
    assert response.status_code in (302, 403)
    assert BulletinPage.objects.count() == 2

    editors = Group.objects.create(name="Bulletin writers")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=editors,
        page=last.get_parent(),
        permission=Permission.objects.get(codename="add_page"),
    )
    outsider.groups.add(editors)
    response = client.post(reverse("cms_next_bulletin"), {"from": last.pk})
    draft = BulletinPage.objects.exclude(live=True).get()
    assert response.url == reverse("wagtailadmin_pages:edit", args=[draft.pk])


def test_one_click_from_the_dashboard_and_a_button_on_the_archive(client, last):
    """The dashboard's "Start the next bulletin" opened a new draft at once: one
    stray draft each time somebody only looked. It opens the screen that says what
    the draft copies; nothing is created until "Start the draft"."""
    client.force_login(SuperuserFactory())
    dashboard = client.get("/admin/").content.decode()
    start = f"{reverse('cms_next_bulletin')}?from={last.pk}"
    assert f'<a class="button" href="{start}">' in dashboard
    assert f'action="{reverse("cms_next_bulletin")}"' not in dashboard
    screen = client.get(start).content.decode()
    assert "with its 3 blocks" in screen
    assert BulletinPage.objects.count() == 2, "looking created no draft"
    assert (
        client.post(reverse("cms_next_bulletin"), {"from": last.pk}).status_code == 302
    )
    assert BulletinPage.objects.count() == 3
    archive = client.get(reverse("wagtailadmin_explore", args=[last.get_parent().pk]))
    assert reverse("cms_next_bulletin").encode() in archive.content


def test_mailable_pages_have_primary_preview_and_send_buttons(client, last):
    MailingListFactory()
    client.force_login(SuperuserFactory())
    html = client.get(
        reverse("wagtailadmin_pages:edit", args=[last.pk])
    ).content.decode()
    header = html[html.index('id="w-slim-header-buttons"') :]
    header = header[: header.index("</nav>")]
    preview = reverse("cms_email_preview:preview", args=[last.pk])
    send = reverse("campaigns_mailings:create") + f"?page={last.pk}"
    assert f'href="{preview}"' in header
    assert f'href="{send}"' in header
    assert "w-header-button" in header, "visible buttons, not items of the ... menu"
    assert header.index(preview) < header.index(send), "preview before send"
    assert html.count(f'href="{preview}"') == 1, "and not again in the menu"


def test_event_listing_lists_upcoming_events_by_default():
    block = EventListingBlock()
    default = block.get_default()
    assert list(default["events"]) == []
    assert default["limit"] == 5
    assert str(default["title"]) == "Upcoming events"
    assert list(block.child_blocks)[:3] == ["title", "kinds", "limit"]


def test_block_labels_start_with_a_capital():
    def labels(block):
        for child in getattr(block, "child_blocks", {}).values():
            yield str(child.label)
            yield from labels(child)

    found = [
        label
        for block in BulletinStreamBlock().child_blocks.values()
        for label in labels(block)
    ]
    assert found
    assert all(label[0].isupper() for label in found if label), found


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("ar", "عذرًا، ليس لديك صلاحية للوصول إلى هذه المنطقة."),
        ("hi", "क्षमा करें, आपको इस क्षेत्र तक पहुँचने की अनुमति नहीं है।"),
        ("es", "Lo sentimos, no tiene permiso para acceder a esta área."),
    ],
)
def test_a_refusal_is_in_the_staff_members_language(client, last, language, refusal):
    """Wagtail made its refusal after leaving the staff member's language: an
    Arabic-speaking organizer who may not add bulletins read it in English on their
    Arabic dashboard."""

    organizer = UserFactory()
    organizer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    speaking(organizer, language)
    client.force_login(organizer)

    response = client.post(reverse("cms_next_bulletin"), {"from": last.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert refusal in response.content.decode()
    assert "Sorry, you do not have permission" not in response.content.decode()
    assert BulletinPage.objects.count() == 2


@pytest.mark.parametrize(("language", "comma"), [("ar", "، "), ("zh-hans", "、")])
def test_the_copied_blocks_are_listed_with_the_staff_members_comma(
    client, last, language, comma
):
    """The "new bulletin from the last one" screen listed the blocks it copies with a
    Latin ", " in an Arabic or Chinese admin (the other staff screens join names
    with the language's own comma, cms.languages.join_names)."""
    editor = SuperuserFactory()
    speaking(editor, language)
    client.force_login(editor)

    page = client.get(f"{reverse('cms_next_bulletin')}?from={last.pk}")

    with translation.override(language):
        labels = [str(child.block.label) for child in last.body]
    assert len(labels) == 3
    assert comma.join(labels) in page.content.decode()

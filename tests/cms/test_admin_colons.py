"""Two admin screens put an ASCII space after a translated "…:" and then the value:
staff using the admin in Chinese read "您可以导入到以下列表： legal, mental-health".
The colon and what follows are now one translated sentence, so each language puts its
own punctuation there (Chinese "：" with no space), and the lists are joined with the
admin language's comma."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from subscribers.models import ListPermission
from tests.factories import MailingListFactory, UserFactory, speaking
from tests.partners.test_admin import key_form

pytestmark = pytest.mark.django_db


def importer():
    group = Group.objects.create(name="Importers")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    for slug in ("legal", "mental-health"):
        ListPermission.objects.create(
            group=group,
            mailing_list=MailingListFactory(name=slug.title(), slug=slug),
            permission="import",
        )
    user = UserFactory(username="importer")
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "zh-hans",
            "您可以导入到以下列表：<code>legal</code>、<code>mental-health</code>",
        ),
        (
            "ar",
            "يمكنك الاستيراد إلى هذه القوائم: <code>legal</code>، "
            "<code>mental-health</code>",
        ),
        (
            "en",
            "You can import into these lists: <code>legal</code>, "
            "<code>mental-health</code>",
        ),
    ],
)
def test_the_import_screen_names_its_lists_with_the_languages_punctuation(
    client, language, sentence
):
    user = importer()
    speaking(user, language)
    client.force_login(user)

    html = client.get(reverse("subscribers_admin:import")).content.decode()
    assert sentence in html


def test_a_new_api_keys_usage_line_uses_the_chinese_colon(client):
    from tests.partners.conftest import build_world

    world = build_world()
    speaking(world.staff, "zh-hans")
    client.force_login(world.staff)

    response = client.post(reverse("partners_keys:add"), key_form(world))
    html = response.content.decode()
    assert "合作伙伴在每个请求中发送它：<code>Authorization: Bearer ona_" in html
    assert "发送它： " not in html

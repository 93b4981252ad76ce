"""Our own permissions are named in the admin's language on the Groups screen.

Found on the staff desk: Settings > Groups, in Polish or Arabic, listed "Can erase a
person's data for good" (subscribers.erase_person) in English among translated ones.
Wagtail prints a custom permission's stored name through {% trans %}, so a name
written through gettext_lazy in Meta.permissions reaches the catalogue; that one was a
plain string. Every permission our apps declare is checked, not only that one."""

import html
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from wagtail.users.forms import GroupForm

from tests.factories import staff_member

pytestmark = pytest.mark.django_db


def our_permission_names() -> list[str]:
    """The names of the permissions our apps declare that the Groups screen offers
    (those of the models Wagtail's register_permissions hooks register)."""
    root = Path(settings.BASE_DIR).resolve()
    offered = GroupForm().fields["permissions"].queryset
    names = [
        str(name)
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).parts
        for model in config.get_models()
        for codename, name in model._meta.permissions
        if offered.filter(
            content_type__app_label=config.label, codename=codename
        ).exists()
    ]
    assert "Can erase a person's data for good" in names
    return names


@pytest.mark.parametrize("language", ["pl", "ar"])
def test_the_groups_screen_names_our_permissions_in_the_admins_language(
    client, language
):
    client.force_login(staff_member(language))
    answer = client.get(reverse("wagtailusers_groups:add"))
    assert answer.status_code == 200
    screen = html.unescape(answer.content.decode())

    for name in our_permission_names():
        with translation.override(language):
            shown = translation.gettext(name)
        assert shown != name, f"the catalogue translates {name!r}"
        assert shown in screen, name
        assert name not in screen, name

"""Phone numbers typed into the admin keep their order in a right-to-left admin.

An Arabic staff member typing "+1 (312) 660-1370" into a resource's phone or the site
contact's phone saw it in a right-to-left box ("(312) 660-1370 1+": the plus and the
brackets are neutral and took the Arabic direction), so what they typed did not look
like what they meant to type. The phone inputs are left to right in every admin
language (dir="ltr"), as the number is on the site and in the e-mail."""

import re

import pytest
from django.urls import reverse

from cms.blocks import ResourceBlock
from cms.models import SiteContact
from tests.factories import staff_member

pytestmark = pytest.mark.django_db


def test_a_resources_phone_input_is_left_to_right():
    phone = ResourceBlock().child_blocks["phone"]
    html = phone.field.widget.render("phone", "+1 (312) 660-1370")
    assert 'dir="ltr"' in html


def test_the_site_contacts_phone_input_is_left_to_right(client, home_page):
    from wagtail.models import Site

    client.force_login(staff_member("ar"))
    site = Site.objects.get(is_default_site=True)
    SiteContact.for_site(site)
    html = client.get(
        reverse("wagtailsettings:edit", args=["cms", "sitecontact", site.pk])
    ).content.decode()
    (phone_input,) = re.findall(r'<input[^>]*name="phone"[^>]*>', html)
    assert 'dir="ltr"' in phone_input

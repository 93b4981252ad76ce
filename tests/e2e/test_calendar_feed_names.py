"""The events page's calendars by kind, as a screen reader names them.

Chromium named the row's links "subscribe (webcal) : Rally", "Google : Rally": the
kind hung after a loose colon (the hidden span stood apart), an English colon in every
language, and "webcal" told nobody what the link does. Each link is now named with its
kind first, in the reader's words and colon: "Rally: subscribe in a calendar app
(webcal)", "Rally: Google".
"""

import pytest
from django.utils import translation

from cms.languages import label_colon
from events.kinds import EventKind
from tests.factories import build_event, build_event_index

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "es", "zh-hans", "ar"])
def test_each_kind_feed_link_has_a_clear_name(page, live_server, home_page, language):
    index = build_event_index(home_page)
    build_event(index, title="Rally at City Hall", kind="rally")
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{live_server.url}{prefix}{index.url}")

    with translation.override(language):
        kind = str(EventKind.RALLY.label)
        colon = label_colon()
        subscribe = translation.gettext("subscribe in a calendar app (webcal)")
        download = translation.gettext("download (.ics)")
    if language != "en":
        assert subscribe != "subscribe in a calendar app (webcal)", "translated"
    row = page.locator(".kind-feeds li").filter(has_text=kind).first
    for name in (
        f"{kind}{colon}{subscribe}",
        f"{kind}{colon}Google",
        f"{kind}{colon}Outlook.com",
        f"{kind}{colon}{download}",
    ):
        assert row.get_by_role("link", name=name, exact=True).count() == 1, name
    webcal = row.get_by_role("link", name=f"{kind}{colon}{subscribe}", exact=True)
    assert webcal.get_attribute("href").startswith("webcal://")

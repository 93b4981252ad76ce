"""What a new deployment needs before staff write anything, built by ``setup_site``.

The six locales; the project's home page in place of Wagtail's welcome page, with the
bulletin index, the event index and the signup page under it in every language; the
header menu; the four task-force lists. No demo content and no people: ``load_demo``
builds the same skeleton and fills it. The builders are the demo's own, told to leave
alone whatever exists.
"""

from django.db import transaction

from cms import demo, demo_content
from cms.models import HomePage
from events import demo as events_demo
from subscribers import demo as subscribers_demo


@transaction.atomic
def set_up_site() -> HomePage:
    """Make the parts of the skeleton that are missing; safe to run twice (what exists,
    staff's edits included, stays as it is). Returns the English home page."""
    demo.load_locales()
    fresh = not HomePage.objects.filter(locale__language_code="en").exists()
    home = demo.load_home_page(update=False)
    subscribers_demo.load_lists(update=False)
    subscribers_demo.load_signup_page(home, update=False)
    events_demo.load_event_index(home, update=False)
    demo_content.load_bulletin_index(home, update=False)
    if fresh:
        # A menu staff have since changed (or emptied) is theirs.
        demo.load_menu()
    return home

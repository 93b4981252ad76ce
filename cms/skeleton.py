"""What a new deployment needs before staff write anything, built by ``setup_site``.

A locale per language of LANGUAGES; the project's home page in place of Wagtail's welcome page, with the
bulletin index, the event index and the signup page under it in every language; the
header menu; the four task-force lists (on the first run only, like the menu: a city
deletes the ones it has no use for, and they stay deleted). No demo content and no people: ``load_demo``
builds the same skeleton and fills it. Nothing names Chicago: the home page's title
is the office's name (SITE_NAME), its intro names no city, and the lists are led by
no one until staff say who; the demo's texts, Chicago's, are ``load_demo``'s alone. The builders are the demo's own, told to leave
alone whatever exists.

A language the builders have no texts for gets no pages of its own: its readers are
served the English ones under its prefix (cms.languages), marked as English, until
staff translate them. An English copy would go live marked as that language instead.
``missing_texts`` says which languages and pages, for the commands to tell the operator.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation

from cms import demo, demo_content
from cms.models import HomePage
from events import demo as events_demo
from subscribers import demo as subscribers_demo

UNDER_THE_HOME_PAGE = " (nor, without its home page, any page under it)"


def home_titles() -> dict[str, str]:
    """The home page's title in each language of LANGUAGES: the office's name
    (SITE_NAME, SITE_NAME_ES ...; cms.languages.site_name), never a city's slogan."""
    from cms.languages import site_name

    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = site_name()
    return titles


def skeleton_texts() -> dict[str, tuple[dict, ...]]:
    """Each translated part of the skeleton and the texts (keyed by language) it is
    built from."""
    return {
        "home page (cms/demo.py)": (demo.SETUP_HOME_INTROS,),
        "signup page (subscribers/demo.py)": (
            subscribers_demo.SIGNUP_TITLES,
            subscribers_demo.SIGNUP_INTROS,
        ),
        "event index (events/demo.py)": (events_demo.INDEX_TITLES,),
        "bulletin index (cms/demo_content.py)": (demo_content.INDEX_TITLES,),
        "task-force list names (subscribers/demo.py)": tuple(
            subscribers_demo.LIST_TRANSLATIONS.values()
        ),
        "header menu labels (cms/demo.py)": tuple(demo.MENU_LABELS.values()),
    }


def missing_texts() -> dict[str, list[str]]:
    """The languages of LANGUAGES (English aside) the skeleton lacks a text for, each
    with the parts it lacks."""
    missing: dict[str, list[str]] = {}
    for part, texts in skeleton_texts().items():
        for code, _name in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE and not all(code in t for t in texts):
                missing.setdefault(code, []).append(part)
    return missing


def missing_texts_warnings() -> list[str]:
    """One line per language ``missing_texts`` finds, for the operator."""
    names = dict(settings.LANGUAGES)
    home = next(iter(skeleton_texts()))
    return [
        f"No {code} ({names[code]}) text for the {'; '.join(parts)}: not made in "
        f"{code}{UNDER_THE_HOME_PAGE if home in parts else ''}, so /{code}/ readers "
        "see the English ones until staff translate them in the admin, or the texts "
        "are added and this command is run again (docs/languages.md)."
        for code, parts in missing_texts().items()
    ]


@transaction.atomic
def set_up_site() -> HomePage:
    """Make the parts of the skeleton that are missing; safe to run twice (what exists,
    staff's edits included, stays as it is). Returns the English home page."""
    demo.load_locales()
    fresh = not HomePage.objects.filter(locale__language_code="en").exists()
    # The city's own name and no city's words: the demo's texts are Chicago's.
    home = demo.load_home_page(
        update=False, titles=home_titles(), intros=demo.SETUP_HOME_INTROS
    )
    # The task-force lists are the first run's: one staff deleted since stays deleted.
    # Their lead organisations are the city's to fill in.
    subscribers_demo.load_lists(update=False, create=fresh, lead_organisations=False)
    subscribers_demo.load_signup_page(home, update=False)
    events_demo.load_event_index(home, update=False)
    demo_content.load_bulletin_index(home, update=False)
    if fresh:
        # A menu staff have since changed (or emptied) is theirs.
        demo.load_menu()
    demo.load_translator_groups()
    return home

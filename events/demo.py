"""Demo events from the seed bulletins (Feb 2017) and a Know Your Rights session."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from wagtail.models import Locale

from cms.demo_translations import MACHINE_TOOL
from cms.languages import languages_with, parent_translated
from cms.machine_translation import mark_machine_drafted
from events.models import EventIndexPage, EventPage
from subscribers.demo import demo_list

CHICAGO = ZoneInfo("America/Chicago")

INDEX_TITLES = {
    "en": "Events",
    "es": "Eventos",
    "hi": "कार्यक्रम",
    "zh-hans": "活动",
    "ar": "الفعاليات",
    "pl": "Wydarzenia",
}


def _at(year, month, day, hour, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def seed_events() -> list[dict]:
    # The Know Your Rights session stays in the future for a year at a time, so the
    # demo always has an open RSVP, yet two runs in a row build the same page.
    kyr_year = timezone.localdate().year + 1
    return [
        {
            "slug": "press-conference-and-rally-dhs",
            "title": "Press conference and rally at the Department of Homeland Security",
            "kind": "press_conference",
            "start": _at(2017, 2, 1, 16, 30),
            "end": _at(2017, 2, 1, 18, 0),
            "venue": "Department of Homeland Security Office",
            "address": "525 W Van Buren St, Chicago, IL 60607",
            "organisers": "Arab American Action Network, Asian Americans Advancing Justice",
            "description": "<p>Join Arab American Action Network, Asian Americans Advancing "
            "Justice and others to continue the resistance to the executive orders.</p>",
        },
        {
            "slug": "webinar-safe-learning-muslim-sikh-youth",
            "title": "Webinar: Creating Safe and Accepting Academic Environments for "
            "Muslim and Sikh Youth",
            "kind": "webinar",
            "start": _at(2017, 2, 1, 14, 0),
            "end": _at(2017, 2, 1, 15, 30),
            "online_url": "https://www.ojjdp.gov/",
            "organisers": "OJJDP and the Substance Abuse and Mental Health Services "
            "Administration",
            "description": "<p>Goals of this webinar are to enhance cultural competency and "
            "understanding of Muslim and Sikh youth and explore awareness issues that "
            "impact the community, such as anti-Muslim hate and xenophobia.</p>",
        },
        {
            "slug": "icirr-leadership-summit",
            "title": "ICIRR Leadership Summit",
            "kind": "leadership_summit",
            "start": _at(2017, 3, 4, 10, 0),
            "end": _at(2017, 3, 4, 14, 0),
            "venue": "Chicago Teachers Union",
            "address": "1901 W Carroll Ave, Chicago, IL 60612",
            "organisers": "Illinois Coalition for Immigrant and Refugee Rights",
            "description": "<p>Elected officials respond publicly to the community's "
            "Platform for Unity, Resistance and Respect.</p>",
            "rsvp_mode": "external",
            "rsvp_url": "https://www.icirr.org/",
        },
        {
            "slug": "immigrant-and-refugee-rights-lobby-day",
            "title": "Immigrant and Refugee Rights Lobby Day",
            "kind": "lobby_day",
            "start": _at(2017, 3, 15, 9, 0),
            "end": _at(2017, 3, 15, 16, 0),
            "venue": "Illinois State Capitol",
            "address": "401 S 2nd St, Springfield, IL 62701",
            "organisers": "Illinois Coalition for Immigrant and Refugee Rights",
            "description": "<p>We aim to fill the rotunda and demand that Illinois be "
            "welcoming to all.</p>",
            "rsvp_mode": "external",
            "rsvp_url": "https://www.icirr.org/",
        },
        {
            "slug": "know-your-rights-session",
            "title": "Know Your Rights session",
            "kind": "know_your_rights",
            "start": _at(kyr_year, 1, 15, 18, 0),
            "end": _at(kyr_year, 1, 15, 19, 30),
            "venue": "A community hall in Pilsen",
            "address": "1 Example St, Chicago, IL 60608",
            "hide_address": True,
            "organisers": "The Resurrection Project, National Immigrant Justice Center",
            "description": "<p>Every person has legal rights in the United States, "
            "including undocumented immigrants. Free, confidential, with interpreters.</p>",
            "rsvp_mode": "internal",
            "capacity": 40,
            "rsvp_list_slug": "community-outreach",
        },
    ]


# The Spanish pages carry the whole text, not only the title: a Spanish reader must
# not meet English prose on a page marked lang="es".
SPANISH = {
    "press-conference-and-rally-dhs": {
        "title": "Conferencia de prensa y manifestación en el Departamento de "
        "Seguridad Nacional",
        "description": "<p>Únase a Arab American Action Network, Asian Americans "
        "Advancing Justice y otros para continuar la resistencia a las órdenes "
        "ejecutivas.</p>",
    },
    "know-your-rights-session": {
        "title": "Sesión Conozca sus derechos",
        "description": "<p>Toda persona tiene derechos legales en los Estados Unidos, "
        "incluidos los inmigrantes indocumentados. Gratuita, confidencial, con "
        "intérpretes.</p>",
    },
}


# Machine-drafted (no person has reviewed them): marked so readers are told. No venue:
# it follows the English event in every language, like the time and the address.
MACHINE_DRAFTED = {
    "know-your-rights-session": {
        "ar": {
            "title": "جلسة «اعرف حقوقك»",
            "description": "<p>لكل شخص حقوق قانونية في الولايات المتحدة، بما في ذلك "
            "المهاجرون غير الموثقين. مجانية وسرية، مع مترجمين فوريين.</p>",
        },
        "hi": {
            "title": "अपने अधिकार जानें सत्र",
            "description": "<p>संयुक्त राज्य अमेरिका में हर व्यक्ति के कानूनी अधिकार हैं, "
            "बिना दस्तावेज़ वाले आप्रवासियों सहित। निःशुल्क, गोपनीय, दुभाषियों के "
            "साथ।</p>",
        },
        "zh-hans": {
            "title": "“了解您的权利”讲座",
            "description": "<p>在美国，每个人都享有法律权利，包括无证移民。免费、保密，"
            "并提供口译。</p>",
        },
        "pl": {
            "title": "Spotkanie „Poznaj swoje prawa”",
            "description": "<p>Każda osoba w Stanach Zjednoczonych ma prawa, także "
            "imigranci bez dokumentów. Bezpłatnie, poufnie, z tłumaczami.</p>",
        },
    }
}


def _changed(page, fields: dict) -> bool:
    return any(getattr(page, name) != value for name, value in fields.items())


def _publish(page, fields: dict) -> None:
    if (
        page.live
        and page.latest_revision_id
        and not page.has_unpublished_changes
        and not _changed(page, fields)
    ):
        return
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def load_event_index(home, *, update: bool = True):
    """The event index in every language; without ``update`` (``setup_site``) pages
    that exist keep what staff wrote."""
    english = Locale.objects.get(language_code="en")
    index = EventIndexPage.objects.filter(locale=english).first()
    created = index is None
    if created:
        index = home.add_child(
            instance=EventIndexPage(title=INDEX_TITLES["en"], slug="events")
        )
    if created or update:
        _publish(index, {"title": INDEX_TITLES["en"]})
    for code in languages_with(INDEX_TITLES):
        title = INDEX_TITLES[code]
        locale = Locale.objects.get(language_code=code)
        translation = index.get_translation_or_none(locale)
        if translation is None:
            if not parent_translated(index, locale):
                continue
            translation = index.copy_for_translation(locale)
        elif not update:
            continue
        _publish(translation.specific, {"title": title})
    return index


def load_events(home) -> dict[str, EventPage]:
    """The seed events under the event index, plus Spanish titles; idempotent."""
    index = load_event_index(home)
    spanish = Locale.objects.get(language_code="es")
    events = {}
    for spec in seed_events():
        spec = dict(spec)
        list_slug = spec.pop("rsvp_list_slug", None)
        if list_slug:
            spec["rsvp_list"] = demo_list(list_slug)
        slug = spec.pop("slug")
        event = EventPage.objects.child_of(index).filter(slug=slug).first()
        if event is None:
            event = index.add_child(instance=EventPage(slug=slug, **spec))
        _publish(event, spec)
        events[slug] = event
        if slug in SPANISH:
            translation = event.get_translation_or_none(spanish)
            if translation is None:
                translation = event.copy_for_translation(spanish)
            _publish(translation.specific, SPANISH[slug])
        for code, fields in MACHINE_DRAFTED.get(slug, {}).items():
            locale = Locale.objects.get(language_code=code)
            translation = event.get_translation_or_none(locale)
            if translation is None:
                translation = event.copy_for_translation(locale)
            _publish(translation.specific, fields)
            mark_machine_drafted(translation, tool_name=MACHINE_TOOL)
    return events

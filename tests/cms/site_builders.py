"""A public site in every language for the way-finding tests: home pages with the header
menu, bulletins (the Spanish one with its own body), an upcoming event, a petition and
the join page, each translated into every language."""

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from tests.factories import (
    CampaignFactory,
    build_bulletin,
    build_bulletin_index,
    build_event,
    build_event_index,
    build_petition_page,
    stream,
    translate_page,
)
from tests.languages import LANGUAGES

# Titles each language's reader sees on the menu links; the petition's link has a label.
TITLES = {
    "bulletins": {
        "en": "Bulletins",
        "es": "Boletines",
        "hi": "बुलेटिन",
        "zh-hans": "公告",
        "ar": "النشرات",
        "pl": "Biuletyny",
    },
    "events": {
        "en": "Events",
        "es": "Eventos",
        "hi": "कार्यक्रम",
        "zh-hans": "活动",
        "ar": "الفعاليات",
        "pl": "Wydarzenia",
    },
    "join": {
        "en": "Join",
        "es": "Únase",
        "hi": "जुड़ें",
        "zh-hans": "加入",
        "ar": "انضم",
        "pl": "Dołącz",
    },
    "take-action": {
        "en": "Take action",
        "es": "Actúe",
        "hi": "कार्रवाई करें",
        "zh-hans": "采取行动",
        "ar": "اتخذ إجراءً",
        "pl": "Działaj",
    },
}
PETITION_TITLES = {
    "en": "Hate has no place in Chicago",
    "es": "El odio no tiene lugar en Chicago",
    "hi": "शिकागो में नफ़रत की कोई जगह नहीं",
    "zh-hans": "仇恨在芝加哥没有立足之地",
    "ar": "لا مكان للكراهية في شيكاغو",
    "pl": "Nienawiść nie ma miejsca w Chicago",
}
SPANISH_WORD = "guardería"
SPANISH_BODY = (
    f"<p>La nueva {SPANISH_WORD} comunitaria abre sus puertas a todas las familias.</p>"
)


def _menu(targets: dict, language: str) -> str:
    return stream(
        *[
            (
                "link",
                {
                    "page": page.pk,
                    "label": TITLES["take-action"][language]
                    if name == "petition"
                    else "",
                },
            )
            for name, page in targets.items()
        ]
    )


def multilingual_site(home) -> dict:
    """Build the site under ``home``; returns its pages by name (English ones)."""
    from subscribers.models import SignupPage

    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    bulletins = build_bulletin_index(home)
    bulletins.title = TITLES["bulletins"]["en"]
    bulletins.save_revision().publish()
    events = build_event_index(home)
    bulletin = build_bulletin(
        bulletins,
        title="Know your rights update",
        summary="What to do if immigration agents come to your door.",
        body=[("paragraph", "<p>Keep your door closed and ask for a warrant.</p>")],
    )
    event = build_event(
        events,
        title="Know Your Rights session",
        start=timezone.now() + timedelta(days=5),
        venue="Pilsen community hall",
    )
    campaign = CampaignFactory(
        name="Hate has no place in Chicago", slug="hate", goal=100
    )
    petition = build_petition_page(home, campaign, slug="hate-has-no-place")
    join = home.add_child(instance=SignupPage(title="Join our lists", slug="join"))
    join.save_revision().publish()
    targets = {
        "bulletins": bulletins,
        "events": events,
        "petition": petition,
        "join": join,
    }
    home.menu = _menu(targets, "en")
    home.save_revision().publish()

    for code in LANGUAGES[1:]:
        translate_page(home, code, menu=_menu(targets, code), title=f"Home {code}")
        translate_page(bulletins, code, title=TITLES["bulletins"][code])
        translate_page(events, code, title=TITLES["events"][code])
        translate_page(petition, code, title=PETITION_TITLES[code])
        translate_page(join, code, title=TITLES["join"][code])
    translate_page(
        bulletin,
        "es",
        title="Actualización: conozca sus derechos",
        body=stream(("paragraph", SPANISH_BODY)),
    )
    return {
        "home": home,
        "bulletins": bulletins,
        "events": events,
        "bulletin": bulletin,
        "event": event,
        "petition": petition,
        "join": join,
        "campaign": campaign,
    }

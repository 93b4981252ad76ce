"""Demo site content and staff accounts, built from ../shared/seeds."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Locale, Page, Site

from cms.languages import languages_with
from cms.models import HomePage
from cms.sites import base_url_host_port, sync_default_site

HOME_TITLES = {
    "en": "Chicago Is With You",
    "es": "Chicago está contigo",
    "hi": "शिकागो आपके साथ है",
    "zh-hans": "芝加哥与你同在",
    "ar": "شيكاغو معك",
    "pl": "Chicago jest z Tobą",
}
HOME_INTROS = {
    "en": "All Chicago residents, regardless of immigration status, can use City services. "
    "The Chicago Is With You Task Force makes sure that all immigrants and refugees know "
    "their rights and resources.",
    "es": "Todos los residentes de Chicago, sin importar su estatus migratorio, pueden usar "
    "los servicios de la Ciudad. El Grupo de Trabajo Chicago está contigo se asegura de que "
    "todos los inmigrantes y refugiados conozcan sus derechos y recursos.",
    "hi": "शिकागो के सभी निवासी, आप्रवासन स्थिति की परवाह किए बिना, शहर की सेवाओं का उपयोग कर सकते हैं। "
    "टास्क फ़ोर्स यह सुनिश्चित करती है कि सभी आप्रवासी और शरणार्थी अपने अधिकार और संसाधन जानें।",
    "zh-hans": "所有芝加哥居民，无论移民身份如何，都可以使用市政服务。"
    "工作组确保所有移民和难民了解自己的权利和资源。",
    "ar": "يمكن لجميع سكان شيكاغو، بغض النظر عن وضع الهجرة، استخدام خدمات المدينة. "
    "تتأكد فرقة العمل من أن جميع المهاجرين واللاجئين يعرفون حقوقهم ومواردهم.",
    "pl": "Wszyscy mieszkańcy Chicago, niezależnie od statusu imigracyjnego, mogą korzystać "
    "z usług miasta. Grupa zadaniowa dba o to, by wszyscy imigranci i uchodźcy znali swoje "
    "prawa i dostępne zasoby.",
}

# setup_site's home page, for any city: its title is the office's name (SITE_NAME,
# cms.skeleton.home_titles), its intro these words, which name no city. The demo's
# are Chicago's (above); check cms.W014 tells another city still showing them.
SETUP_HOME_INTROS = {
    "en": "News, resources and events for immigrants, refugees and their families, "
    "in your language.",
    "es": "Noticias, recursos y eventos para inmigrantes, refugiados y sus familias, "
    "en su idioma.",
    "hi": "आप्रवासियों, शरणार्थियों और उनके परिवारों के लिए समाचार, संसाधन और कार्यक्रम, "
    "आपकी भाषा में।",
    "zh-hans": "为移民、难民及其家人提供的新闻、资源和活动，使用您的语言。",
    "ar": "أخبار وموارد وفعاليات للمهاجرين واللاجئين وعائلاتهم، بلغتك.",
    "pl": "Wiadomości, zasoby i wydarzenia dla imigrantów, uchodźców i ich rodzin, "
    "w Twoim języku.",
}

ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@ona.example.org"
STAFF_GROUP = "ONA staff"
ORGANIZERS_GROUP = "Organizers"


def load_locales() -> None:
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


@transaction.atomic
def load_home_page(
    *,
    update: bool = True,
    titles: dict[str, str] = HOME_TITLES,
    intros: dict[str, str] = HOME_INTROS,
) -> HomePage:
    """One home page per locale, the English one the root of the default site, with
    ``titles`` and ``intros`` (the demo's, Chicago's, by default).

    Without ``update`` (``setup_site``) only what is missing is made: pages that exist
    keep what staff wrote, and the default site keeps its root page."""
    english = Locale.objects.get(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", locale=english)
    # Wagtail's first migration leaves a placeholder welcome page (and a site on it): a
    # plain Page with nothing under it. Pages of any other kind are someone's work.
    placeholders = Page.objects.filter(
        depth=2, numchild=0, content_type=ContentType.objects.get_for_model(Page)
    )
    Site.objects.filter(root_page__in=placeholders).delete()
    placeholders.delete()
    home = HomePage.objects.filter(locale=english).first()
    created = home is None
    if created:
        home = root.add_child(
            instance=HomePage(title=titles["en"], slug="home", locale=english)
        )
    if created or update:
        publish_if_changed(home, title=titles["en"], intro=f"<p>{intros['en']}</p>")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None or update:
        site = site or Site(is_default_site=True)
        site.root_page, site.site_name = home, settings.WAGTAIL_SITE_NAME
        site.hostname, site.port = base_url_host_port()
        site.save()
    else:
        sync_default_site()

    for code in languages_with(titles, intros):
        title = titles[code]
        locale = Locale.objects.get(language_code=code)
        translation = home.get_translation_or_none(locale)
        if translation is None:
            translation = home.copy_for_translation(locale)
        elif not update:
            continue
        publish_if_changed(
            translation.specific, title=title, intro=f"<p>{intros[code]}</p>"
        )
    return home


def publish_if_changed(page: Page, **fields) -> None:
    """Set fields and publish, but only when something differs, so reruns add no revisions."""
    if page.live and not page.has_unpublished_changes:
        if all(getattr(page, name) == value for name, value in fields.items()):
            return
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def translators_group_name(code: str) -> str:
    return f"Translators ({settings.LANGUAGE_NAMES_IN_ENGLISH.get(code, code)})"


def load_translator_groups() -> None:
    """A group per language but English whose members edit and publish that language's
    pages and nothing else. Idempotent.

    Wagtail's page permissions hold for a page and every page under it, and each
    language's pages sit under that language's home page: a permission there covers
    that language's translations only (the English source and the other languages stay
    out of reach in Wagtail's own permission checks, wagtail-localize's editor included).
    No "add" permission: new pages and translations are started by staff ("Translate",
    "Sync translated pages"), so a translator cannot move or copy pages either."""
    from wagtail.models import GroupPagePermission

    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    edit_and_publish = Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=["change_page", "publish_page"],
    )
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        group, _ = Group.objects.get_or_create(name=translators_group_name(code))
        group.permissions.add(access_admin)
        for home in Page.objects.filter(depth=2, locale__language_code=code):
            for permission in edit_and_publish:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=home, permission=permission
                )


def admin_password() -> str:
    """The demo admin's password: DEMO_ADMIN_PASSWORD, else one made once and kept in var/."""
    from os import environ

    if environ.get("DEMO_ADMIN_PASSWORD"):
        return environ["DEMO_ADMIN_PASSWORD"]
    path = Path(settings.VAR_DIR) / "demo-admin-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def load_staff() -> tuple[str, str]:
    """Staff groups and the demo superuser; returns the admin's (username, password)."""
    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    organizers, _ = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    browse_outbox = Permission.objects.get(
        content_type__app_label="cms", codename="browse_outbox"
    )
    staff.permissions.add(access_admin)
    # The outbox holds every subscriber's mail: administrators only (SECURITY.md).
    # Demo databases loaded before kept the grant, hence the removal.
    staff.permissions.remove(browse_outbox)
    organizers.permissions.add(access_admin)

    password = admin_password()
    user, _ = get_user_model().objects.get_or_create(username=ADMIN_USERNAME)
    user.email, user.first_name, user.last_name = ADMIN_EMAIL, "Demo", "Admin"
    user.is_staff = user.is_superuser = user.is_active = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.add(staff)
    return ADMIN_USERNAME, password


# Short labels for the header menu; the other links, and these in a language with no
# label here, show their page's title.
MENU_LABELS = {
    "take-action": {
        "en": "Take action",
        "es": "Actúe",
        "hi": "कार्रवाई करें",
        "zh-hans": "采取行动",
        "ar": "اتخذ إجراءً",
        "pl": "Działaj",
    },
    "join": {
        "en": "Join",
        "es": "Únase",
        "hi": "जुड़ें",
        "zh-hans": "加入",
        "ar": "انضم",
        "pl": "Dołącz",
    },
}


def load_menu() -> None:
    """The header menu of every home page: Bulletins, Events, Take action, Join.

    Needs the demo pages; each link names the English page, which every language's
    header shows in its own translation. Idempotent: reruns add no revisions.
    """
    from campaigns.models import PetitionPage
    from cms.models import BulletinIndexPage
    from events.models import EventIndexPage
    from subscribers.models import SignupPage

    home = HomePage.objects.get(locale__language_code="en")
    targets = [
        ("bulletins", BulletinIndexPage.objects.child_of(home).first(), None),
        ("events", EventIndexPage.objects.child_of(home).first(), None),
        ("take-action", PetitionPage.objects.child_of(home).first(), "take-action"),
        ("join", SignupPage.objects.child_of(home).filter(slug="join").first(), "join"),
    ]
    for page in [home, *home.get_translations()]:
        page = page.specific
        code = page.locale.language_code
        menu = [
            {
                "type": "link",
                "id": f"menu-{name}",
                "value": {
                    "page": target.pk,
                    "label": MENU_LABELS[label].get(code, "") if label else "",
                },
            }
            for name, target, label in targets
            if target is not None
        ]
        if page.live and not page.has_unpublished_changes:
            if page.menu.get_prep_value() == menu:
                continue
        page.menu = menu
        page.save_revision().publish()

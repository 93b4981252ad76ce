"""System checks that keep a deployment from running wrong.

Deploy checks (``manage.py check --deploy``, and every web, worker and beat process at
start under production settings: cms/startup.py) refuse what the first production run
got wrong: http or missing links in e-mails, a Wagtail Site on another host than
BASE_URL, provider webhooks without their secret, Message-IDs on "localhost", and
warn of the file outbox standing in for a provider. The key checks run always: no
process may touch personal data without its keys.
"""

import base64
import binascii
import ipaddress
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError
from django.db.models import Q

from cms.languages import catalogue_folders

CHICAGO_SITE_NAME = "Office of New Americans"  # SITE_NAME's default
NOT_AN_ESP = {"outbox", "smtp", "console"}
# Names that mean "this machine" or "this private network", never a sending domain.
LOCAL_NAMES = {"localhost", "localdomain", "local", "internal", "lan", "home", "corp"}
LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".lan",
    ".home",
    ".home.arpa",
    ".corp",
    ".invalid",
)


def is_local_name(name: str) -> bool:
    """True for names no one else can resolve: localhost, one label, .local, an IP."""
    name = (name or "").strip().strip("[]").rstrip(".").lower()
    if not name:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return True
    return name in LOCAL_NAMES or "." not in name or name.endswith(LOCAL_SUFFIXES)


def base_url_parts() -> tuple[str, str, int]:
    """(scheme, host, port) of BASE_URL, the port filled in from the scheme."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or ""), port


@register(Tags.security, deploy=True)
def check_base_url(app_configs=None, **kwargs):
    if not settings.BASE_URL:
        return [
            Error(
                "BASE_URL is not set: e-mails would link to "
                f"{settings.WAGTAILADMIN_BASE_URL}.",
                hint="Set BASE_URL to the site's public https address, e.g. "
                "BASE_URL=https://ona.example.org",
                id="cms.E001",
            )
        ]
    parts = urlsplit(settings.BASE_URL)
    if parts.scheme != "https" or not parts.hostname:
        return [
            Error(
                f"BASE_URL must be an https address, not {settings.BASE_URL!r}: "
                "one-click unsubscribe (RFC 8058) and the big mailbox providers "
                "require https links.",
                hint="e.g. BASE_URL=https://ona.example.org",
                id="cms.E002",
            )
        ]
    errors = []
    if parts.path.strip("/") or parts.query or parts.fragment:
        errors.append(
            Error(
                f"BASE_URL must be the site's origin only, not {settings.BASE_URL!r}.",
                hint="Drop the path: pages and e-mail links add their own.",
                id="cms.E003",
            )
        )
    if parts.port not in (None, 443):
        errors.append(
            Error(
                f"BASE_URL must use https's own port, not {parts.port}: Wagtail builds "
                "page URLs as http:// on any port but 443.",
                hint="Serve the site on port 443 behind the proxy.",
                id="cms.E015",
            )
        )
    host = parts.hostname
    if not any(_host_allowed(host, allowed) for allowed in settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"BASE_URL's host {host!r} is not in ALLOWED_HOSTS: every link in "
                "every e-mail would answer 400.",
                hint=f"Add it: ALLOWED_HOSTS={host}",
                id="cms.E004",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_allowed_hosts_names_hosts(app_configs=None, **kwargs):
    """ALLOWED_HOSTS=* (alone or in a list) lets any Host header through: Django's
    one defence against a forged Host is gone, and whatever is built from the request
    (the admin's redirects, a cross-site check, a cached copy per host) trusts it."""
    if "*" not in [pattern.strip() for pattern in settings.ALLOWED_HOSTS]:
        return []
    host = urlsplit(settings.BASE_URL or "").hostname or "ona.example.org"
    return [
        Error(
            "ALLOWED_HOSTS contains '*': the site answers a request for any host "
            "name, so a forged Host header reaches every view.",
            hint=f"Name the site's own host names: ALLOWED_HOSTS={host}",
            id="cms.E020",
        )
    ]


def _host_allowed(host: str, pattern: str) -> bool:
    pattern = pattern.lower()
    if pattern == "*":
        return True
    if pattern.startswith("."):
        return host == pattern[1:] or host.endswith(pattern)
    return host == pattern


@register(Tags.security, deploy=True)
def check_site_matches_base_url(app_configs=None, **kwargs):
    """The default Wagtail Site's hostname and port are BASE_URL's (share links,
    page.full_url, sitemaps and feeds are built from the Site)."""
    parts = urlsplit(settings.BASE_URL)
    if parts.scheme != "https" or not parts.hostname:
        return []  # cms.E001 or cms.E002 says what to fix first
    from wagtail.models import Site

    scheme, host, port = base_url_parts()
    hint = "Run `manage.py sync_site` to set the default Site from BASE_URL."
    try:
        site = Site.objects.filter(is_default_site=True).first()
    except DatabaseError:
        return [
            Warning(
                "Could not read the Wagtail Site (database unreachable or not "
                "migrated yet), so it was not compared with BASE_URL.",
                hint="Run migrate and `manage.py sync_site`, then check again.",
                id="cms.W001",
            )
        ]
    if site is None:
        return [Error("There is no default Wagtail Site.", hint=hint, id="cms.E005")]
    if site.hostname.lower() != host or site.port != port:
        return [
            Error(
                f"The default Wagtail Site is {site.hostname}:{site.port}, but BASE_URL "
                f"is {settings.BASE_URL}: share links and page URLs would point "
                "elsewhere.",
                hint=hint,
                id="cms.E006",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_webhook_secret(app_configs=None, **kwargs):
    provider = settings.EMAIL_PROVIDER
    if provider in NOT_AN_ESP:
        return []
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET", "")
    given = secret if isinstance(secret, list) else [secret]  # a rotation: both
    if not given or not all(isinstance(one, str) and ":" in one for one in given):
        return [
            Error(
                f"EMAIL_PROVIDER={provider} but ANYMAIL_WEBHOOK_SECRET is not set (as "
                "user:password): tracking webhooks could not be authenticated, so "
                "bounces and complaints would never suppress anyone.",
                hint='Generate one with `python -c "import secrets; print(secrets.'
                "token_urlsafe(16) + ':' + secrets.token_urlsafe(16))\"` and give "
                "the same credentials to the provider's webhook URL.",
                id="cms.E007",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_tracking_events_outlive_their_replays(app_configs=None, **kwargs):
    """A provider's signed call is applied once because its event is stored; an event
    deleted while a call carrying it is still accepted could be applied again."""
    from cms.webhooks import SIGNATURE_FUTURE_SKEW

    kept = timedelta(days=settings.TRACKING_EVENT_RETENTION_DAYS)
    accepted = timedelta(
        seconds=settings.TRACKING_MAX_EVENT_AGE + SIGNATURE_FUTURE_SKEW
    )
    if kept > accepted:
        return []
    return [
        Error(
            f"TRACKING_EVENT_RETENTION_DAYS={settings.TRACKING_EVENT_RETENTION_DAYS} "
            "deletes tracking events while TRACKING_MAX_EVENT_AGE="
            f"{settings.TRACKING_MAX_EVENT_AGE} still accepts them: a provider's "
            "signed call could be replayed and applied again once its event is gone.",
            hint="Keep tracking events for longer than TRACKING_MAX_EVENT_AGE (the "
            "defaults: 30 days and 7 days), or lower TRACKING_MAX_EVENT_AGE.",
            id="cms.E019",
        )
    ]


@register(Tags.security, deploy=True)
def check_esp_settings(app_configs=None, **kwargs):
    """anymail builds its backend only when the first message goes: without the ESP's
    API key every process started, and the first mailing's every recipient was tried
    and failed in the worker. A misspelt EMAIL_PROVIDER failed the same way."""
    provider = settings.EMAIL_PROVIDER
    if provider in NOT_AN_ESP:
        return []
    from django.core.mail import get_connection
    from django.utils.module_loading import import_string

    backend = f"anymail.backends.{provider}.EmailBackend"
    try:
        import_string(backend)
    except ImportError:
        return [
            Error(
                f"EMAIL_PROVIDER={provider} is not an e-mail provider anymail knows.",
                hint="Use outbox, smtp, console or an anymail ESP's name in lower "
                "case: mailgun, postmark, brevo, amazon_ses, sendgrid, ...",
                id="cms.E018",
            )
        ]
    try:
        get_connection(backend)
    except ImproperlyConfigured as error:
        # anymail's message names the missing setting, never a value.
        return [
            Error(
                f"EMAIL_PROVIDER={provider} cannot send: {error}",
                hint=f"Give every web, worker and beat process the ESP's settings as "
                f"ANYMAIL_* variables, e.g. ANYMAIL_{provider.upper()}_API_KEY.",
                id="cms.E018",
            )
        ]
    return []


@register(Tags.security)
def check_anymail_variable_names(app_configs=None, **kwargs):
    """anymail reads only the names it knows: ANYMAIL_MAILGUN_API_KEYS, a misspelt
    ANYMAIL_MAILGUN_SENDER_DOMIAN, or MAILGUN_API_KEY without the ANYMAIL_ prefix were
    ignored without a word (the domain silently the From's, the key "missing" in a
    message naming only the right name). Each is named here, never its value. Always
    on, not only in deploy checks: a laptop trying an ESP meets the same silence."""
    import os
    from difflib import get_close_matches

    from cms.anymail_names import known_settings, provider_of

    shared, providers = known_settings()
    provider = settings.EMAIL_PROVIDER
    # Without an ESP (outbox, smtp, console: a laptop, a relay, a switch back) every
    # provider's settings are merely unused; only a name no provider reads is wrong.
    own = providers.get(provider) or frozenset().union(*providers.values())
    problems = []
    for name in sorted(getattr(settings, "ANYMAIL", {})):
        owner = provider_of(name)
        if name in shared or name in own:
            continue
        if owner and owner != provider and name in providers[owner]:
            # Only reached with an ESP as EMAIL_PROVIDER (else ``own`` holds it).
            problems.append(
                (
                    f"ANYMAIL_{name} is a {owner} setting but EMAIL_PROVIDER is "
                    f"{provider}: it is ignored.",
                    f"Remove it, or set EMAIL_PROVIDER={owner}.",
                )
            )
            continue
        matches = get_close_matches(name, sorted(shared | own), n=1, cutoff=0.7)
        problems.append(
            (
                f"ANYMAIL_{name} is not a setting anymail reads: it is ignored.",
                f"Did you mean ANYMAIL_{matches[0]}?"
                if matches
                else "anymail's documentation for your ESP lists its settings "
                "(https://anymail.dev/en/stable/esps/).",
            )
        )
    for name in sorted(os.environ):
        owner = provider_of(name)
        if (owner and name in providers[owner]) or name == "WEBHOOK_SECRET":
            problems.append(
                (
                    f"{name} is set in the environment but never read: anymail's "
                    f"settings need the ANYMAIL_ prefix (ANYMAIL_{name}).",
                    f"Rename it ANYMAIL_{name}.",
                )
            )
    return [Warning(message, hint=hint, id="cms.W016") for message, hint in problems]


@register(Tags.security, deploy=True)
def check_outbox_in_production(app_configs=None, **kwargs):
    """The file outbox is the laptop's default: with DEBUG off it means a deployment
    that forgot EMAIL_PROVIDER, sending nothing and keeping every message on disk."""
    if settings.DEBUG or settings.EMAIL_PROVIDER != "outbox":
        return []
    return [
        Warning(
            "EMAIL_PROVIDER is outbox (the default) with DEBUG off: no e-mail is "
            "sent; every message, addresses and links included, is written to "
            f"{settings.OUTBOX_DIR} instead.",
            hint="Set EMAIL_PROVIDER to your provider (e.g. EMAIL_PROVIDER=mailgun "
            "with its ANYMAIL_* settings) or to smtp; the outbox is for laptops and "
            "tests.",
            id="cms.W003",
        )
    ]


@register(Tags.security, deploy=True)
def check_proxy_count_behind_a_proxy(app_configs=None, **kwargs):
    """Production settings trust X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER): they
    stand behind a TLS-terminating proxy. With TRUSTED_PROXY_COUNT left at 0 every
    visitor then has the proxy's address, one rate-limit bucket for the whole crowd: a
    few sign-ups lock everyone out of a petition or an RSVP at a rally."""
    if (
        settings.DEBUG
        or not getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
        or settings.TRUSTED_PROXY_COUNT > 0
    ):
        return []
    return [
        Warning(
            "TRUSTED_PROXY_COUNT is 0 behind the TLS proxy SECURE_PROXY_SSL_HEADER "
            "trusts: every visitor has the proxy's address and shares one rate limit "
            "and sign-in lockout.",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
            "X-Forwarded-For (nginx: 1; a CDN in front of nginx: 2). Never more: "
            "the app would then read an address the visitor wrote.",
            id="cms.W015",
        )
    ]


@register(Tags.security, deploy=True)
def check_embedded_broker_in_production(app_configs=None, **kwargs):
    """Without REDIS_URL a process uses the embedded file broker under its VAR_DIR:
    only processes of this machine with the same VAR_DIR see its tasks, so a worker
    whose environment forgot REDIS_URL waits for ever while the web queues to Redis."""
    if settings.DEBUG or settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: tasks go to the embedded file broker under "
            f"{settings.VAR_DIR}, which only processes of this machine with the same "
            "VAR_DIR share; rate limits count per process and the page cache is off.",
            hint="Set the same REDIS_URL for every web, worker and beat process.",
            id="cms.W010",
        )
    ]


@register(Tags.security, deploy=True)
def check_console_mail_in_production(app_configs=None, **kwargs):
    """The console backend with DEBUG off: nothing sent, and every message (addresses
    and personal links) written to the process's output, which goes to the logs."""
    if settings.DEBUG or settings.EMAIL_PROVIDER != "console":
        return []
    return [
        Warning(
            "EMAIL_PROVIDER is console with DEBUG off: no e-mail is sent; every "
            "message, addresses and links included, is written to the process's "
            "output and so to its logs.",
            hint="Set EMAIL_PROVIDER to your provider (e.g. EMAIL_PROVIDER=mailgun "
            "with its ANYMAIL_* settings) or to smtp.",
            id="cms.W004",
        )
    ]


def _another_city() -> list[str]:
    """What says this deployment is another city's: its own office (SITE_NAME) or clock
    (TIME_ZONE). Either will do: Houston, Minneapolis and New Orleans keep Chicago's
    zone."""
    return [
        f"{name} is {value}"
        for name, value, chicago in (
            ("SITE_NAME", settings.WAGTAIL_SITE_NAME, CHICAGO_SITE_NAME),
            ("TIME_ZONE", settings.TIME_ZONE, "America/Chicago"),
        )
        if value != chicago
    ]


@register()
def check_local_time_name(app_configs=None, **kwargs):
    """Event times are labelled with the clock's name (cms.local_time): another zone
    with no name configured would read "Chicago time" on every event and alert."""
    city = _another_city()
    if settings.LOCAL_TIME_NAMES or not city:
        return []
    return [
        Warning(
            f"{' and '.join(city)} but LOCAL_TIME_NAME is not set: "
            'event and alert times are labelled "Chicago time".',
            hint='Set LOCAL_TIME_NAME (e.g. "New York time") and LOCAL_TIME_NAME_'
            + ", _".join(
                code.upper().replace("-", "_")
                for code, _name in settings.LANGUAGES
                if code != settings.LANGUAGE_CODE
            )
            + " for the other languages.",
            id="cms.W005",
        )
    ]


def _city_note_variable(code: str) -> str:
    if code == settings.LANGUAGE_CODE:
        return "CITY_NOTE"
    return f"CITY_NOTE_{code.upper().replace('-', '_')}"


@register()
def check_city_note(app_configs=None, **kwargs):
    """The footer's city line (cms.languages.city_note) goes wrong without a word in
    three ways: a city set by TIME_ZONE keeps Chicago's line; a translation set
    without the English CITY_NOTE switches the line off for English and every
    language left unset; "none" in a translation is shown as the word "none"."""
    notes = settings.CITY_NOTES
    english = notes.get(settings.LANGUAGE_CODE, "")
    found = []
    city = _another_city()
    if not notes and city:
        found.append(
            Warning(
                f"{' and '.join(city)} but CITY_NOTE is not set: every "
                'page\'s footer says "Chicago is a Welcoming City: ...".',
                hint="Set CITY_NOTE to your city's line (and CITY_NOTE_ES, _HI, ... "
                "for the other languages), or CITY_NOTE=none for no line.",
                id="cms.W007",
            )
        )
    if notes and not english:
        found.append(
            Warning(
                f"{', '.join(_city_note_variable(code) for code in notes)} "
                "set without CITY_NOTE: the footer has no city line in English nor "
                "in the languages left unset (the English one stands in for them).",
                hint="Set CITY_NOTE, the English line.",
                id="cms.W008",
            )
        )
    if english.strip().lower() != "none":
        said_none = [
            _city_note_variable(code)
            for code, text in notes.items()
            if code != settings.LANGUAGE_CODE and text.strip().lower() == "none"
        ]
        if said_none:
            found.append(
                Warning(
                    f'{", ".join(said_none)} is "none": its readers\' footer shows '
                    'the word "none". Only CITY_NOTE=none switches the line off, '
                    "for every language.",
                    hint="Unset it (its readers then get the English line, marked "
                    "English) or write the line in that language.",
                    id="cms.W009",
                )
            )
    return found


@register()
def check_site_name(app_configs=None, **kwargs):
    """SITE_NAME_ES, _HI ... name the office in the other languages, SITE_NAME in
    English and in every language left unset: one set without SITE_NAME leaves the
    English header, page titles, feeds and e-mails (From line included) naming
    Chicago's office, and the other languages its catalogue translations; nor does
    any warning about Chicago's clock, footer or postal address follow, since the
    deployment still reads as Chicago's."""
    if not settings.SITE_NAMES or settings.WAGTAIL_SITE_NAME != CHICAGO_SITE_NAME:
        return []
    variables = [
        f"SITE_NAME_{code.upper().replace('-', '_')}" for code in settings.SITE_NAMES
    ]
    return [
        Warning(
            f"{', '.join(variables)} set without SITE_NAME: the site header, page "
            "titles, feeds and e-mails in English (and in the languages left unset) "
            f'name "{CHICAGO_SITE_NAME}", Chicago\'s office.',
            hint="Set SITE_NAME, the office's name in English.",
            id="cms.W013",
        )
    ]


@register()
def check_sender_postal_address(app_configs=None, **kwargs):
    """Every e-mail's footer gives SENDER_POSTAL_ADDRESS (the sender's postal address
    the bulk-mail laws ask for): another city (its own SITE_NAME or TIME_ZONE) that
    left it unset would sign every message with Chicago's office's address."""
    city = _another_city()
    if settings.SENDER_POSTAL_ADDRESS != settings.CHICAGO_POSTAL_ADDRESS or not city:
        return []
    return [
        Warning(
            f"{' and '.join(city)} but SENDER_POSTAL_ADDRESS is not set: every "
            f"e-mail's footer gives Chicago's address ({settings.CHICAGO_POSTAL_ADDRESS}).",
            hint="Set SENDER_POSTAL_ADDRESS to your office's postal address.",
            id="cms.W011",
        )
    ]


@register()
def check_map_search_city(app_configs=None, **kwargs):
    """An event's map link adds MAP_SEARCH_CITY to its address: another city that left
    it at Chicago sends every reader looking for "250 Main St" in Chicago."""
    city = _another_city()
    if settings.MAP_SEARCH_CITY != "Chicago" or not city:
        return []
    return [
        Warning(
            f"{' and '.join(city)} but MAP_SEARCH_CITY is not set: every event's map "
            "link searches for its address in Chicago.",
            hint="Set MAP_SEARCH_CITY to your city's name (empty: nothing added).",
            id="cms.W012",
        )
    ]


@register(deploy=True)
def check_chicago_demo_text(app_configs=None, **kwargs):
    """``load_demo`` (and ``setup_site`` before it named no city) wrote Chicago's home
    page ("Chicago Is With You") and Chicago's lead organisations on the task-force
    lists: another city (its own SITE_NAME or TIME_ZONE) still showing them tells its
    readers Chicago's words, and nothing else says so."""
    city = _another_city()
    if not city:
        return []
    from cms import demo
    from cms.models import HomePage
    from subscribers.demo import TASK_FORCE_LISTS
    from subscribers.models import MailingList

    intros = [f"<p>{text}</p>" for text in demo.HOME_INTROS.values()]
    try:
        pages = sorted(
            HomePage.objects.live()
            .filter(Q(title__in=demo.HOME_TITLES.values()) | Q(intro__in=intros))
            .values_list("locale__language_code", flat=True)
        )
        lists = sorted(
            MailingList.objects.filter(
                lead_organisation__in=[
                    spec["lead_organisation"] for spec in TASK_FORCE_LISTS
                ]
            ).values_list("name", flat=True)
        )
    except DatabaseError:
        return []  # no tables yet: nothing live to warn of
    found = []
    if pages:
        found.append(f"the home page in {', '.join(pages)} is Chicago's demo text")
    if lists:
        found.append(
            f"the lists {', '.join(lists)} name Chicago's organisations as their leads"
        )
    if not found:
        return []
    return [
        Warning(
            f"{' and '.join(city)} but {'; '.join(found)}: readers see Chicago's words.",
            hint="Write your own in the admin (Pages: the home page and its "
            "translations; Lists: 'Lead organisation'); docs/production.md.",
            id="cms.W014",
        )
    ]


@register()
def check_catalogues(app_configs=None, **kwargs):
    """A language in LANGUAGES without a compiled catalogue shows its readers every
    button, form and e-mail in English under its own lang and direction."""
    missing = [
        code
        for code, folder in catalogue_folders().items()
        if not any(
            (Path(path) / folder / "LC_MESSAGES" / "django.mo").exists()
            for path in settings.LOCALE_PATHS
        )
    ]
    if not missing:
        return []
    return [
        Warning(
            f"LANGUAGES has {', '.join(missing)} but locale/ has no compiled catalogue "
            "for it: its readers get the site's own words in English.",
            hint="Run `make messages`, translate the new strings in "
            "locale/translations/*.json and run it again (docs/languages.md).",
            id="cms.W006",
        )
    ]


@register()
def check_reply_to(app_configs=None, **kwargs):
    """A REPLY_TO_EMAIL that is no address made every message carrying it fail at
    sending; said at start instead."""
    if not settings.REPLY_TO_EMAIL:
        return []
    _name, address = parseaddr(settings.REPLY_TO_EMAIL)
    try:
        validate_email(address)
    except ValidationError:
        return [
            Error(
                f"REPLY_TO_EMAIL is {settings.REPLY_TO_EMAIL!r}, not an e-mail address.",
                hint="Give an address, with a name if you like: "
                'REPLY_TO_EMAIL="Office of New Americans <ona@example.org>"',
                id="cms.E021",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_sender_names(app_configs=None, **kwargs):
    errors = []
    if is_local_name(settings.MESSAGE_ID_DOMAIN):
        errors.append(
            Error(
                f"MESSAGE_ID_DOMAIN is {settings.MESSAGE_ID_DOMAIN!r}, a local name: "
                "Message-ID and List-Id must be on a domain you own.",
                hint="Set MESSAGE_ID_DOMAIN (or DEFAULT_FROM_EMAIL) to your sending "
                "domain, e.g. MESSAGE_ID_DOMAIN=ona.example.org",
                id="cms.E008",
            )
        )
    if settings.EMAIL_PROVIDER == "smtp" and is_local_name(settings.EMAIL_HELO_NAME):
        errors.append(
            Error(
                f"EMAIL_HELO_NAME is {settings.EMAIL_HELO_NAME!r}: a relay passes the "
                "EHLO name on, and spam filters score local names.",
                hint="Set EMAIL_HELO_NAME to this server's public name (the one its "
                "address's PTR record gives), or set BASE_URL.",
                id="cms.E009",
            )
        )
    if settings.EMAIL_PROVIDER == "smtp" and not settings.BOUNCE_ADDRESS:
        errors.append(
            Warning(
                "EMAIL_PROVIDER=smtp without BOUNCE_ADDRESS: bounces go to the From "
                "address and no hard bounce ever suppresses anyone.",
                hint="Set BOUNCE_ADDRESS and BOUNCE_MAILBOX_URL (docs/deliverability.md).",
                id="cms.W002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_media_storage(app_configs=None, **kwargs):
    if settings.MEDIA_STORAGE == "local":
        return []
    if settings.MEDIA_STORAGE != "s3":
        return [
            Error(
                f"MEDIA_STORAGE={settings.MEDIA_STORAGE!r} is not one of local, s3.",
                id="cms.E010",
            )
        ]
    if not settings.STORAGES["default"]["OPTIONS"].get("bucket_name"):
        return [
            Error(
                "MEDIA_STORAGE=s3 but AWS_STORAGE_BUCKET_NAME is not set.",
                id="cms.E011",
            )
        ]
    return []


@register(Tags.security)
def check_encryption_keys(app_configs=None, **kwargs):
    """Always on: personal data is encrypted at rest, so no process runs without keys."""
    errors = []
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        errors.append(
            Error(
                "FIELD_ENCRYPTION_KEYS is not set: subscribers' addresses and names "
                "are encrypted at rest with it.",
                hint="Generate a key with `manage.py generate_encryption_key` and set "
                "FIELD_ENCRYPTION_KEYS=<key> (newest first when rotating).",
                id="cms.E012",
            )
        )
    for position, key in enumerate(keys, start=1):
        if not _is_aes256_key(key):
            errors.append(
                Error(
                    f"FIELD_ENCRYPTION_KEYS entry {position} is not a base64 32-byte "
                    "key.",
                    hint="Generate one with `manage.py generate_encryption_key`.",
                    id="cms.E013",
                )
            )
    if not settings.LOOKUP_HASH_KEY:
        errors.append(
            Error(
                "LOOKUP_HASH_KEY is not set: addresses are found by a keyed hash.",
                hint="Set LOOKUP_HASH_KEY to a long random value, once: it is never "
                "rotated.",
                id="cms.E014",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_keys_open_stored_data(app_configs=None, **kwargs):
    """Keys that are well formed but not the ones the data was written with (a
    database restored under another deployment's environment, a key lost) passed every
    check: the site answered, and the admin's subscriber screens gave 500s. The newest
    stored address must open with FIELD_ENCRYPTION_KEYS and hash to its stored
    LOOKUP_HASH_KEY hash (with another hash key everyone would be unfindable)."""
    if not settings.FIELD_ENCRYPTION_KEYS or not settings.LOOKUP_HASH_KEY:
        return []  # cms.E012 / cms.E014 say so
    from cryptography.exceptions import InvalidTag

    from subscribers import crypto
    from subscribers.models import Subscriber

    try:
        newest = Subscriber.objects.order_by("-pk").only("email", "email_hash").first()
    except DatabaseError:
        return []  # no tables yet (before the first migrate) or no database
    except (crypto.DecryptionError, InvalidTag):
        return [
            Error(
                "FIELD_ENCRYPTION_KEYS cannot open the stored subscribers' addresses: "
                "they were encrypted with another key.",
                hint="Use the keys this database was written with (kept with its "
                "backups); a new key goes first, followed by the old ones, then "
                "`manage.py rotate_encryption_key`.",
                id="cms.E016",
            )
        ]
    if newest is not None and crypto.lookup_hash(newest.email) != newest.email_hash:
        return [
            Error(
                "LOOKUP_HASH_KEY is not the key the stored addresses were hashed with: "
                "no one could be found (signups would duplicate people, unsubscribes "
                "would find no one).",
                hint="Set LOOKUP_HASH_KEY to the value this database was written "
                "with; it is never rotated.",
                id="cms.E017",
            )
        ]
    return []


def _is_aes256_key(text: str) -> bool:
    try:
        raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return False
    return len(raw) == 32

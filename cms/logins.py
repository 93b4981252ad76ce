"""Staff sign-in under attack: django-axes lockouts, and a cap on password hashing.

Each sign-in attempt costs a full password hash (PBKDF2, about a second of CPU), on
the same web processes that serve the public pages. django-axes locks a username or
a client after LOGIN_FAILURE_LIMIT failures; guesses spread over many usernames and
addresses are not locked, so at most LOGIN_HASH_CONCURRENCY sign-in POSTs per machine
may run at once, and the next one is told "busy" at once instead of queueing for a
web worker.

A lock on a name is also a way to keep its owner out: a handful of wrong guesses
every quarter of an hour, from anywhere, would lock an organizer out through a whole
rally. So a browser that has signed in with a name carries a signed cookie saying so
(a keyed hash of the name, nothing readable), and from such a browser only that
client's own failures count: a stranger's guesses lock the name on every other
browser, never on the ones its owner already uses.
"""

import functools
import logging
import math

from axes.handlers.cache import AxesCacheHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from wagtail.admin.views import account

from cms import celery, ratelimit, tasks
from cms.ratelimit import keyed_hash

try:
    import fcntl
except ImportError:  # not POSIX: no cap
    fcntl = None

logger = logging.getLogger(__name__)

# Views whose POST checks a password (Wagtail's admin and front-end sign-in).
HASHING_VIEWS = {"wagtailadmin_login", "wagtailcore_login"}


def username_id(request, credentials=None) -> str | None:
    """The keyed hash of the username typed: django-axes keys its lockouts on it."""
    username = None
    if credentials:
        username = credentials.get("username")
    if username is None and request is not None:
        try:
            username = request.POST.get("username")
        except Exception:  # noqa: BLE001 (an unreadable body has no username)
            username = None
    if not username:
        return None
    return keyed_hash("username", str(username).strip().casefold())


DEVICE_COOKIE = "staff_device"
DEVICE_SALT = "cms.logins.known-device"
DEVICE_NAMES = 5  # names remembered per browser (a shared office computer)


def lockout_parameters(request, credentials=None) -> list:
    """What a failed sign-in counts against and is locked by (AXES_LOCKOUT_PARAMETERS):
    the name and the client separately; from a browser that has signed in with the
    name before, that browser at its client alone (``lockout_client``)."""
    if isinstance(request, HttpRequest) and known_device(request, credentials):
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_client(request) -> str:
    """The "client" django-axes counts failures against (AXES_CLIENT_IP_CALLABLE): the
    client's keyed hash; for a browser that has signed in with the name being tried,
    that browser's cookie at that client. A carrier or office address is shared by
    many people: five wrong guesses from anyone behind it, at any name, locked it for
    every sign-in, the organizers' own remembered phones included, and one more guess
    every quarter of an hour kept it locked through a rally. Guesses from a browser
    that carries the cookie (stolen, say) still lock it, at that address."""
    client = ratelimit.client_id(request)
    if not known_device(request):
        return client
    return keyed_hash("device", f"{request.COOKIES[DEVICE_COOKIE]}\x1f{client}")


def known_device(request, credentials=None) -> bool:
    """Has this browser signed in with the name being tried (within the cookie's
    LOGIN_DEVICE_DAYS)?"""
    name = username_id(request, credentials)
    return name is not None and name in _device_names(request)


def _device_names(request) -> list[str]:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        names = signing.loads(
            raw, salt=DEVICE_SALT, max_age=settings.LOGIN_DEVICE_DAYS * 24 * 3600
        )
    except signing.BadSignature:  # forged, altered or expired: a new device
        return []
    return (
        [name for name in names if isinstance(name, str)]
        if isinstance(names, list)
        else []
    )


def note_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: the device cookie is set on this request's response
    (PasswordHashingCapMiddleware, which wraps every sign-in view)."""
    if request is not None:
        request._signed_in_name = username_id(None, {"username": user.get_username()})


def _remember_device(request, response) -> None:
    name = getattr(request, "_signed_in_name", None)
    if not name:
        return
    names = [name, *(other for other in _device_names(request) if other != name)]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(names[:DEVICE_NAMES], salt=DEVICE_SALT),
        max_age=settings.LOGIN_DEVICE_DAYS * 24 * 3600,
        # Only the admin reads it: public pages (and a CDN in front, which may pass
        # any request with a cookie) never see it.
        path=reverse("wagtailadmin_home"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def connect() -> None:
    user_logged_in.connect(note_sign_in, dispatch_uid="cms.logins.note_sign_in")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets, in the visitor's language (429), with
    Retry-After: the seconds the pause lasts from now."""
    seconds = settings.AXES_COOLOFF_TIME.total_seconds()
    response = render(
        request,
        "cms/login_locked.html",
        {"minutes": int(seconds // 60), "title": _("Sign-in paused")},
        status=429,
    )
    # The whole cool-off is exact, not just safe: axes answers this only to a failed
    # attempt, and every failed attempt, during the lockout too
    # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT, on by default), restarts the
    # cool-off of its counters.
    response["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


class _FailSoftCounts:
    """The limiters' cache for axes, looked up on each call (settings may change), with
    "Redis unreachable" (None) read as no count: fail open."""

    def __getattr__(self, name):
        return getattr(ratelimit.counter_cache(), name)

    def incr(self, key, delta=1, version=None):
        try:
            value = ratelimit.counter_cache().incr(key, delta, version)
        except ValueError:  # expired between add and incr
            return delta
        return 0 if value is None else value


class FailSoftAxesCacheHandler(AxesCacheHandler):
    """django-axes' cache handler that lets sign-in work while Redis is down."""

    def __init__(self):
        super().__init__()
        self.cache = _FailSoftCounts()


def _take_slot():
    folder = settings.LOGIN_SLOT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(settings.LOGIN_HASH_CONCURRENCY):
        # One lock file per slot; flock is per open file and dies with the process.
        handle = (folder / f"slot-{index}").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        return handle
    return None


class PasswordHashingCapMiddleware:
    """At most LOGIN_HASH_CONCURRENCY sign-in POSTs at once per machine; beyond that,
    429 "busy" (a warning in the log, not a server error) without hashing anything.
    A successful sign-in's answer carries the device cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            slot = getattr(request, "_login_hash_slot", None)
            if slot is not None:
                slot.close()  # closing releases the lock
        _remember_device(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or fcntl is None
            or settings.LOGIN_HASH_CONCURRENCY <= 0
            or request.resolver_match is None
            or request.resolver_match.url_name not in HASHING_VIEWS
        ):
            return None
        try:
            slot = _take_slot()
        except OSError as error:  # no slot folder: better uncapped than no sign-in
            logger.warning("sign-in hashing cap off: %s", error)
            return None
        if slot is None:
            logger.info("sign-in busy: every password hashing slot is taken")
            response = render(
                request,
                "cms/login_busy.html",
                {"title": _("Sign-in is busy")},
                status=429,
            )
            response["Retry-After"] = "5"
            return response
        request._login_hash_slot = slot
        return None


def _too_many(request, limit: str):
    return ratelimit.retry_after(_too_many_page(request), limit)


def _too_many_page(request):
    return render(
        request,
        "error.html",
        {
            "title": _("Too many attempts"),
            "text": _("Please wait a little and try again."),
        },
        status=429,
    )


class ThrottledPasswordResetView(account.PasswordResetView):
    """Wagtail's password reset, limited per client and per mailbox: a reset e-mail
    is a mail anyone can make us send to a staff address.

    The request does the same for every address, a staff member's or not: one look-up
    and one task with the ids found (none, mostly); the worker makes the link and
    sends it. Sent in the request, the message made the answer slower by a whole
    call to the mail server or ESP for a staff address, and the clock told which
    addresses belong to staff accounts."""

    def post(self, request, *args, **kwargs):
        if not ratelimit.client_allowed(request, "password-reset"):
            return _too_many(request, "password-reset.client")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        allowed = ratelimit.address_allowed(email, "password-reset")
        user_ids = [user.pk for user in form.get_users(email)]
        celery.publish(
            tasks.send_password_reset_task,
            user_ids if allowed else [],
            translation.get_language() or settings.LANGUAGE_CODE,
        )
        # The page a sent reset shows: it never says whether an account exists.
        return HttpResponseRedirect(self.get_success_url())


def _keep_return_url_on_site(request) -> None:
    """Wagtail redirects to the form's return_url with ``redirect()``, which reads a
    value without "/" or "." as a view name: a forged "ÿ" answered 500
    (NoReverseMatch) after the right password, "wagtailadmin_home" led into the
    admin, and another site's address went to LOGIN_REDIRECT_URL, no page here. Any
    value but a path on this site becomes the home page."""
    return_url = request.POST.get("return_url", "")
    if return_url.startswith("/") and url_has_allowed_host_and_scheme(
        return_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return
    data = request.POST.copy()
    data["return_url"] = "/"
    request.POST = data


def limit_password_posts(view):
    """Limit wrong passwords sent to a page or document password form per client
    (they guess). The right one is given back: a private event's password shared at
    a rally is typed by a crowd behind one carrier address, and counting every POST
    refused the 31st person in ten minutes, the password in hand. Each try is
    counted before the password is checked, so a guesser past the limit learns
    nothing from an answer."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        if not ratelimit.client_allowed(request, "page-password"):
            return _too_many(request, "page-password.client")
        _keep_return_url_on_site(request)
        response = view(request, *args, **kwargs)
        # Wagtail redirects to the page or document once the password is right,
        # and shows the form again when it is not.
        if response.status_code == 302:
            ratelimit.give_back("page-password.client", ratelimit.client_id(request))
        return response

    return wrapper

"""The admin in each staff member's own language for the whole request.

Wagtail switches to a staff member's chosen admin language only around the view
(wagtail.admin.auth.require_admin_access): a refusal it makes outside it, "Sorry, you
do not have permission to access this area." when a view refuses (PermissionDenied,
e.g. "Start the next bulletin" for someone who may not add one) or "You do not have
permission to access the admin.", was made in the browser's language, English for
most, and shown on the next screen, which is in theirs. Under the admin's URLs this
middleware (after the authentication one) activates the signed-in user's admin
language around everything, so those messages are in it too."""

from functools import cache

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import translation


@cache
def admin_prefix() -> str:
    """The admin's URL prefix ('/admin/' unless the URLconf moves it)."""
    # Read once: a reverse() on every public request is work the page storm pays.
    return reverse("wagtailadmin_home")


def admin_language(request) -> str | None:
    """The signed-in user's admin language on an admin URL, else None."""
    # The path first: reading the user reads the session, which would make every
    # public page vary by Cookie (and uncacheable).
    if not request.path_info.startswith(admin_prefix()):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        # The same profile Wagtail reads next (cached on the user): no extra query.
        profile = user.wagtail_userprofile
    except ObjectDoesNotExist:
        return None
    return profile.preferred_language or None


class AdminLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = admin_language(request)
        if not language:
            return self.get_response(request)
        with translation.override(language):
            return self.get_response(request)

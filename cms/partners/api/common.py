"""What every endpoint shares: key authentication, scope checks, form errors."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from cms.partners import keys, ratelimit
from cms.partners.models import ApiKey

from .schemas import PersonIn

# Where each form field comes from in the API's JSON, for error messages.
FIELD_NAMES = {
    "email": "person.email_addresses",
    "name": "person.given_name",
    "zip_code": "person.postal_addresses",
    "language": "person.languages_spoken",
    "list_language": "person.languages_spoken",
    "lists": "lists",
    "join_list": "join_list",
    "__all__": "request",
}
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
# Chinese as partners' systems write it: all of these mean simplified Chinese here.
# Traditional (zh-TW, zh-HK, zh-Hant) is another script we do not write: refused.
SIMPLIFIED_CHINESE = {"zh", "zh-cn", "zh-sg", "zh-hans"}


def supported_language(code: str) -> str:
    """A partner's language tag as one of ours: any case, ``_`` or ``-``, a region
    dropped (es-MX is es); a tag we cannot map is returned as given, for the error."""
    tag = code.strip().lower().replace("_", "-")
    if tag in LANGUAGE_CODES:
        return tag
    if tag in SIMPLIFIED_CHINESE or tag.startswith("zh-hans-"):
        return "zh-hans" if "zh-hans" in LANGUAGE_CODES else code
    primary = tag.split("-", 1)[0]
    if primary != "zh" and primary in LANGUAGE_CODES:
        return primary
    return code


class RateLimited(Exception):
    """This key (or this client, after failed keys) is over its per-minute limit."""


class PartnerKeyAuth(HttpBearer):
    """``Authorization: Bearer <PARTNER_API_KEY_PREFIX>_...``; answers in the partner's Accept-Language."""

    def authenticate(self, request, token: str) -> ApiKey | None:
        # The API has no language prefix, so LocaleMiddleware chose English: partners
        # get errors in the language they ask for.
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        key = keys.authenticate(token)
        if key is None:
            if not ratelimit.bad_key_allowed(request):
                raise RateLimited
            return None
        if not ratelimit.key_allowed(key):
            raise RateLimited
        return key


def require(key: ApiKey, action: str) -> None:
    """403 unless the key holds ``action``."""
    if not key.allows(action):
        raise PermissionDenied(_("This API key may not do that."))


def in_scope(allowed, item_id: int) -> None:
    """404 (as for an id that does not exist) unless the key's scope holds it."""
    if item_id not in allowed:
        raise Http404


def person_fields(person: PersonIn) -> dict:
    """The public forms' field values for an OSDI person."""
    name = " ".join(
        part.strip() for part in (person.given_name, person.family_name) if part.strip()
    )
    return {
        "email": person.email_addresses[0].address,
        "name": name,
        "zip_code": (
            person.postal_addresses[0].postal_code if person.postal_addresses else ""
        ),
        "language": (
            supported_language(person.languages_spoken[0])
            if person.languages_spoken
            else ""
        ),
    }


def invalid(errors: dict[str, list[str]]) -> tuple[int, dict]:
    return 400, {
        "detail": _("Please correct the errors in the request."),
        "code": "invalid",
        "errors": errors,
    }


def form_errors(form) -> dict[str, list[str]]:
    """A bound form's errors under the API's own field names."""
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        errors.setdefault(FIELD_NAMES.get(field, field), []).extend(
            str(message) for message in messages
        )
    return errors


def language_error(language: str) -> dict[str, list[str]] | None:
    if language and language not in LANGUAGE_CODES:
        return {
            "person.languages_spoken": [
                _("Use one of: %(codes)s.")
                % {"codes": ", ".join(sorted(LANGUAGE_CODES))}
            ]
        }
    return None


def accepted() -> tuple[int, dict]:
    # The same answer whether the person was new, known, suppressed or throttled, so
    # a key cannot learn who is on a list or who signed.
    return 202, {
        "status": "accepted",
        "detail": _("Thank you. We have recorded the request."),
    }

import functools
import logging

from anymail import urls as anymail_urls
from anymail.exceptions import AnymailConfigurationError
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import Http404
from django.urls import URLPattern, include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

logger = logging.getLogger(__name__)


def _configured_only(view):
    """A webhook of a provider we have no keys for is a 404, not a 500 per anonymous POST."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AnymailConfigurationError:
            logger.warning("webhook for an unconfigured provider: %s", request.path)
            raise Http404 from None

    return wrapper


anymail_patterns = [
    URLPattern(p.pattern, _configured_only(p.callback), p.default_args, p.name)
    for p in anymail_urls.urlpatterns
]

# Django's own admin is not mounted: Wagtail's admin is the one staff use, and a second
# login form for the same accounts would be one more door to guard.
urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("petitions/", include("campaigns.urls")),
    # Provider webhooks (tracking): authenticated by anymail's WEBHOOK_SECRET + signature.
    path("anymail/", include((anymail_patterns, anymail_urls.app_name))),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages last: /es/..., /ar/... select the locale; English lives at the root.
urlpatterns += i18n_patterns(
    path("subscribers/", include("subscribers.urls")),
    path("search/", cms_views.search, name="search"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

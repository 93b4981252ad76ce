from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views import serve as document_views

from campaigns import views as campaigns_views
from cms import (
    documents,
    logins,
    url_converters,  # noqa: F401 - registers <id:...>
    webhooks,
)
from cms import views as cms_views
from cms.partners.api import api as partner_api
from cms.partners.api import json_errors as partner_json_errors

# Django's own admin is not mounted: Wagtail's admin is the one staff use, and a second
# login form for the same accounts would be one more door to guard.
urlpatterns = [
    # First, so a crowd's signatures (POST /petitions/<id>/sign/) are resolved by the
    # first pattern tried rather than the tenth; none of the patterns below matches a
    # path under petitions/, so every URL resolves as it did.
    path("petitions/", include("campaigns.urls")),
    # Before Wagtail's own: the same views, with limits (cms/logins.py).
    path(
        "admin/password_reset/",
        logins.ThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        documents.in_reader_language(
            logins.limit_password_posts(document_views.authenticate_with_password)
        ),
    ),
    path("favicon.ico", cms_views.favicon),
    path("robots.txt", cms_views.robots),
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
    path("admin/", include(wagtailadmin_urls)),
    re_path(r"^documents/(\d+)/(.*)$", documents.serve, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    # Django's language form; the site's own switcher is plain links to each language.
    path("i18n/setlang/", cms_views.set_language, name="set_language"),
    # The partner API (cms/partners): keys, not sessions; no language prefix.
    path("api/v1/", partner_api.urls),
    # Any other /api/ path: a JSON 404 (or 308 to the path with its slash).
    re_path(r"^api/(?P<rest>.*)$", partner_json_errors.unknown_path),
    # The configured provider's tracking webhook only (cms/webhooks.py).
    path("anymail/<path:rest>", webhooks.tracking_webhook, name="tracking_webhook"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.MEDIA_STORAGE == "local" and settings.MEDIA_SERVE:
    # Production with uploads on local disk: images served with caching headers.
    from cms.media import serve_media

    urlpatterns.append(
        path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media, name="media")
    )

# Pages last: /es/..., /ar/... select the locale; English lives at the root.
urlpatterns += i18n_patterns(
    path("subscribers/", include("subscribers.urls")),
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        logins.limit_password_posts(wagtail_views.authenticate_with_password),
    ),
    path("search/", cms_views.search, name="search"),
    # An underscore, like Wagtail's _util/: no page slug can shadow it.
    path("_events/", include("events.urls")),
    # The petition widget in a language of the partner's choosing; the unprefixed URL
    # is campaigns.urls' (above, so it comes first), in the petition's own language.
    path("petitions/embed/<id:page_id>/", campaigns_views.embed_petition),
    # The e-mailed link (no prefix) answers in the signer's language; under a prefix,
    # in that language, so the language switcher keeps the reader on this page.
    path(
        "petitions/verify/<str:token>/",
        campaigns_views.verify_signature,
        name="verify_signature",
    ),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Error pages that never read the request body (cms/errors.py).
handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"

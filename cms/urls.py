from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("petitions/", include("campaigns.urls")),
    # Provider webhooks (tracking): authenticated by anymail's WEBHOOK_SECRET + signature.
    path("anymail/", include("anymail.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages last: /es/..., /ar/... select the locale; English lives at the root.
urlpatterns += i18n_patterns(
    path("subscribers/", include("subscribers.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

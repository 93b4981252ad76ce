"""sitemap.xml: every public page of the site in every language it is published in,
each with its translations as hreflang alternates (the head's, cms/share.py).

Wagtail's own sitemap lists the default site root's tree only, which left out every
translated page (/es/..., /ar/...): their trees hang beside it, not under it.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.routing import public_pages


class PageSitemap(Sitemap):
    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        under_a_root = Q()
        for root in roots:
            under_a_root |= Q(path__startswith=root.path)
        return (
            public_pages(Page.objects.live().filter(under_a_root))
            .order_by("path")
            .select_related("locale")
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        versions = defaultdict(dict)
        translations = public_pages(
            Page.objects.live().filter(
                translation_key__in={item.translation_key for item in items}
            )
        ).select_related("locale")
        for version in translations:
            url = version.get_full_url(self.request)
            if url:
                versions[version.translation_key][version.locale.language_code] = url
        urls = []
        for item in items:
            location = item.get_full_url(self.request)
            if not location:
                continue
            found = versions[item.translation_key]
            alternates = []
            if len(found) > 1:
                alternates = [
                    {"lang_code": code, "location": found[code]}
                    for code, _name in settings.LANGUAGES
                    if code in found
                ]
                if settings.LANGUAGE_CODE in found:
                    alternates.append(
                        {
                            "lang_code": "x-default",
                            "location": found[settings.LANGUAGE_CODE],
                        }
                    )
            urls.append(
                {
                    "item": item,
                    "location": location,
                    "lastmod": item.last_published_at,
                    "alternates": alternates,
                }
            )
        return urls

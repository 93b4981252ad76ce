"""RSS 2.0 and Atom feeds of the bulletins, one per language (Django's syndication).

Served by each bulletin archive (``/bulletins/feed/``, ``/es/boletines/feed/atom/``...),
so a feed lists what that archive lists: the language's bulletins, and the default
language's ones not translated yet.

Every link is absolute on the Wagtail Site (which follows BASE_URL), never on the
request's Host: Django's syndication prefixes relative links with ``get_host()``,
port and capitals included, and the page cache keeps one copy per host name
whatever its port, so ``Host: ona.example.org:9999`` stored a feed linking every
reader to port 9999.

Every text is made fit for XML 1.0 (``xml_text``): Django's writer refuses a control
character, and one in a single bulletin's title (Word's line break pastes as \x0b)
answered the whole feed with a 500.
"""

import re
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.models import Locale

from cms.languages import site_name

FEED_ITEMS = 20
# What XML 1.0 forbids (C0 controls but tab and newlines, surrogates, U+FFFE/U+FFFF);
# line and page breaks and the separators read as spaces, the rest as nothing.
_AS_SPACE = re.compile(r"[\x0b\x0c\x1c-\x1f]")
_NOT_XML = re.compile(r"[\x00-\x08\x0e-\x1b\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", _AS_SPACE.sub(" ", text))


class BulletinRssFeed(Feed):
    def get_object(self, request, *args, index=None, **kwargs):
        self.request = request
        self.index = index
        return index

    def title(self, index):
        return xml_text(f"{index.title} · {site_name()}")

    def link(self, index):
        return index.get_full_url(self.request)

    def description(self, index):
        intro = " ".join(xml_text(strip_tags(index.intro)).split())
        return intro or _("Bulletins with news and resources for immigrants.")

    def feed_url(self, index):
        return index.get_site().root_url + self.request.path

    def items(self, index):
        return index.bulletins()[:FEED_ITEMS]

    def item_title(self, bulletin):
        return xml_text(bulletin.title)

    def item_description(self, bulletin):
        return xml_text(bulletin.summary or bulletin.title)

    def item_link(self, bulletin):
        # An untranslated bulletin is linked under this archive, as the archive itself
        # links it (/ar/bulletins/<slug>/: the English text in the reader's chrome and
        # direction), never at its English URL, which drops the reader's language.
        index = self.index
        if bulletin.locale_id == index.locale_id:
            return bulletin.get_full_url(self.request)
        return f"{index.get_full_url(self.request)}{bulletin.slug}/"

    def item_pubdate(self, bulletin):
        # The bulletin's own date (the day it speaks for), at midnight local time.
        return timezone.make_aware(datetime.combine(bulletin.date, time.min))

    def item_updateddate(self, bulletin):
        return bulletin.last_published_at


class LanguageTaggedAtom1Feed(Atom1Feed):
    """Atom whose entries in another language than the feed's say which (xml:lang on
    <entry>, RFC 4287 2): RSS 2.0 has no place for it."""

    def item_attributes(self, item):
        attrs = super().item_attributes(item)
        language = item.get("language")
        if language and language != self.feed["language"]:
            attrs["xml:lang"] = language
        return attrs


class BulletinAtomFeed(BulletinRssFeed):
    feed_type = LanguageTaggedAtom1Feed
    subtitle = BulletinRssFeed.description

    def items(self, index):
        # Each entry's language from one query over the six locales, kept on the
        # entry itself: the feed object is shared by every request and thread.
        bulletins = list(super().items(index))
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        for bulletin in bulletins:
            bulletin.feed_language = languages.get(bulletin.locale_id)
        return bulletins

    def item_extra_kwargs(self, bulletin):
        # An English bulletin not translated yet, listed in the Arabic feed, is marked
        # English, as the archive marks its card, so a reader's screen reader or
        # translator does not take it for Arabic.
        return {"language": bulletin.feed_language}

    def author_name(self, index):
        # RFC 4287 4.1.1: a feed whose entries name no author names one itself;
        # without it validators and strict readers reject the feed.
        return xml_text(site_name())

"""Rich-text page links that keep the reader's language prefix, translated or not."""

from django.utils.html import escape
from wagtail.rich_text.pages import PageLinkHandler

from cms.languages import localized_url


class ReaderPageLinkHandler(PageLinkHandler):
    """Wagtail links a page's translation when there is one, else the page's own URL,
    which drops a Spanish reader onto the English site; this keeps /es/."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        return [
            f'<a href="{escape(localized_url(page))}">' if page else "<a>"
            for page in cls.get_many(attrs_list)
        ]

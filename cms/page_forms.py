"""The bulletin editor's form."""

from wagtail.admin.forms import WagtailAdminPageForm

from cms import bulletin_slugs


class BulletinPageForm(WagtailAdminPageForm):
    def clean(self):
        """A draft started as the next bulletin takes its slug from the title and date
        it is given, as Wagtail's editor does for a new page's title, until it is
        first published: its slug was made from the last bulletin's title, which
        Wagtail's title-to-slug sync does not follow (not the title's slug)."""
        cleaned = super().clean()
        page = self.instance
        title, day, slug = (cleaned.get(name) for name in ("title", "date", "slug"))
        if (
            page.pk
            and page.first_published_at is None
            and title
            and day
            and slug == page.slug
            and bulletin_slugs.is_made_from(page.slug, page.title, page.date)
            and not bulletin_slugs.is_made_from(page.slug, title, day)
        ):
            cleaned["slug"] = bulletin_slugs.free_slug(
                self.parent_page,
                bulletin_slugs.slug_base(title, day),
                exclude_pk=page.pk,
            )
        return cleaned

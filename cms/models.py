"""Editorial pages of the site. Bulletins, alerts and events join these later."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page, one per locale."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from subscribers.models import MailingList

        context = super().get_context(request, *args, **kwargs)
        context["mailing_lists"] = MailingList.objects.all()
        return context

    class Meta:
        verbose_name = _("home page")


class EmailOutbox(models.Model):
    """Carries the permission to browse the development outbox; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("browse_outbox", _("Can browse the e-mail outbox"))]

    def __str__(self) -> str:
        return "outbox"

"""Admin: preview a mailable page's e-mail in each language, and send oneself a test."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page

from cms.admin_views import links_open_in_new_tab
from cms.email.rendering import as_sample, render_email
from cms.languages import language_choices
from cms.models import MailablePageMixin
from cms.tasks import send_test_email_task
from cms.translation_progress import untranslated_passages

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def mailable_page(request, page_id: int):
    page = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(page, MailablePageMixin):
        raise Http404
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


class EmailPreviewView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "mail"
    template_name = "cms/admin/email_preview.html"

    def dispatch(self, request, *args, **kwargs):
        self.page = mailable_page(request, kwargs["page_id"])
        self.language = request.GET.get("language", self.page.locale.language_code)
        if self.language not in LANGUAGES:
            self.language = "en"
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("E-mail preview: %(title)s") % {"title": self.page.title}

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = self.page.get_latest_revision_as_object()
        rendered = render_email(draft, language=self.language)
        # What a reader reads, as the test copy has it: a link, not a merge tag.
        user = self.request.user
        sample_html, sample_text = as_sample(
            rendered, name=user.get_full_name() or user.get_username()
        )
        context.update(
            page=self.page,
            language=self.language,
            languages=language_choices(),
            rendered=rendered,
            # Links open a new tab: inside the frame our pages refuse to load.
            sample_html=links_open_in_new_tab(sample_html),
            sample_text=sample_text,
            draft_unpublished=self.page.has_unpublished_changes,
            # The language pages are written in (the default locale's): its readers
            # get the text as written. "gets its own translation" said there made
            # staff wonder which translation English readers get.
            written_language=self.language == Locale.get_default().language_code,
            translation_waiting=self.translation_waiting(rendered),
            **self.untranslated(rendered),
        )
        return context

    def translation_waiting(self, rendered) -> str:
        """The editor URL of this language's translation when it exists but is not
        published: its readers get the English text until someone publishes it."""
        if rendered.content_language == self.language:
            return ""
        locale = Locale.objects.filter(language_code=self.language).first()
        translation = self.page.get_translation_or_none(locale) if locale else None
        if translation is None or translation.live:
            return ""
        return reverse("wagtailadmin_pages:edit", args=[translation.pk])

    def untranslated(self, rendered) -> dict:
        """The passages of this language's translation still in the source language,
        and where to finish them: "its own translation" alone would hide them."""
        if rendered.content_language != self.language:
            return {"untranslated": 0}
        left = untranslated_passages(self.page).get(self.language, 0)
        if not left:
            return {"untranslated": 0}
        translation = self.page.get_translation(
            Locale.objects.get(language_code=self.language)
        )
        return {
            "untranslated": left,
            "translation_url": reverse(
                "wagtailadmin_pages:edit", args=[translation.pk]
            ),
        }


@require_POST
def send_page_test(request, page_id: int):
    """Queue the page's test e-mail, in the chosen language, to the user's own address."""
    page = mailable_page(request, page_id)
    language = request.POST.get("language", "en")
    if language not in LANGUAGES:
        language = "en"
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send to."))
    else:
        send_test_email_task.delay(request.user.pk, language, page.pk)
        messages.success(
            request,
            _("A test message is on its way to %(email)s.")
            % {"email": request.user.email},
        )
    return redirect(
        reverse("cms_email_preview:preview", args=[page.pk]) + f"?language={language}"
    )

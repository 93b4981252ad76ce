from django.conf import settings
from django.contrib import messages
from django.db import models
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from cms import admin_urls, private_options, workflow_labels
from cms.admin_views import BROWSE_OUTBOX
from cms.form_fields import StaffDateTimeField

# Every date and time in a Wagtail admin form (an event's start, a page's "go live")
# refuses what no database stores; Wagtail's own widget stays the default.
register_form_field_override(
    models.DateTimeField,
    override={"form_class": StaffDateTimeField, "widget": widgets.AdminDateTimeInput},
)


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [path("outbox/", include(admin_urls, namespace="cms_outbox"))]


class OutboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(BROWSE_OUTBOX)


@hooks.register("register_admin_menu_item")
def register_outbox_menu_item():
    label = (
        _("E-mail outbox") if settings.EMAIL_PROVIDER == "outbox" else _("Test e-mail")
    )
    return OutboxMenuItem(
        label, reverse("cms_outbox:index"), icon_name="mail", order=10000
    )


@hooks.register("register_admin_urls")
def register_email_preview_urls():
    from cms import email_preview_urls

    return [
        path(
            "email-preview/", include(email_preview_urls, namespace="cms_email_preview")
        )
    ]


def email_preview_url(page, user) -> str | None:
    """Where a mailable page's "E-mail preview and test" goes, if it has one."""
    from cms.models import MailablePageMixin

    model = page.specific_class
    if model is not None and issubclass(model, MailablePageMixin):
        return reverse("cms_email_preview:preview", args=[page.pk])
    return None


@hooks.register("register_page_header_buttons")
def email_preview_button(page, user, view_name, next_url=None):
    from wagtail.admin.widgets import Button

    url = email_preview_url(page, user)
    # The editor shows it as a primary header button (cms/templatetags/admin_tags.py).
    if url and view_name != "edit":
        yield Button(_("E-mail preview and test"), url, icon_name="mail", priority=25)


@hooks.register("insert_global_admin_css")
def project_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_page_editor_primary_buttons")
def email_preview_primary_button(page, user):
    url = email_preview_url(page, user)
    if url and page.permissions_for_user(user).can_edit():
        yield (10, _("E-mail preview and test"), url, "view")


@hooks.register("register_admin_urls")
def register_bulletin_urls():
    from cms.bulletin_views import NextBulletinView

    return [
        path(
            "bulletins/next/",
            NextBulletinView.as_view(),
            name="cms_next_bulletin",
        )
    ]


def _next_bulletin_button(page, user):
    from wagtail.admin.widgets import Button

    from cms.models import BulletinIndexPage, BulletinPage

    model = page.specific_class
    if model is BulletinIndexPage and page.permissions_for_user(user).can_add_subpage():
        yield Button(
            _("New bulletin from the last one"),
            reverse("cms_next_bulletin"),
            icon_name="copy",
            priority=5,
        )
    elif model is BulletinPage and page.live:
        if page.get_parent().permissions_for_user(user).can_add_subpage():
            yield Button(
                _("New bulletin from this one"),
                reverse("cms_next_bulletin") + f"?from={page.pk}",
                icon_name="copy",
                priority=45,
            )


@hooks.register("register_page_header_buttons")
def next_bulletin_header_button(page, user, view_name=None, next_url=None):
    yield from _next_bulletin_button(page, user)


@hooks.register("register_page_listing_more_buttons")
def next_bulletin_listing_button(page, user, next_url=None, **kwargs):
    yield from _next_bulletin_button(page, user)


class NextBulletinPanel(Component):
    """From the dashboard to the screen that starts the next bulletin's draft: a link,
    not a form, so a look (or a mis-click) leaves no stray draft behind."""

    name = "next_bulletin"
    order = 50
    template_name = "cms/admin/next_bulletin_panel.html"

    def __init__(self, source):
        self.source = source

    def get_context_data(self, parent_context):
        return {"source": self.source}


@hooks.register("construct_homepage_panels")
def add_next_bulletin_panel(request, panels):
    from cms.bulletin_views import can_start_from
    from cms.services import last_bulletin

    source = last_bulletin()
    if can_start_from(request.user, source):
        panels.append(NextBulletinPanel(source))


@hooks.register("register_admin_urls")
def register_operations_urls():
    from cms.operations_views import OperationsView

    return [path("operations/", OperationsView.as_view(), name="cms_operations")]


class OperationsMenuItem(MenuItem):
    def is_shown(self, request):
        from cms.operations_views import VIEW_OPERATIONS

        return request.user.has_perm(VIEW_OPERATIONS)


@hooks.register("register_admin_menu_item")
def register_operations_menu_item():
    return OperationsMenuItem(
        _("Queues and health"),
        reverse("cms_operations"),
        icon_name="tasks",
        order=10001,
    )


@hooks.register("after_edit_page")
def clear_machine_draft_mark(request, page):
    """A person saved the page in the editor: it is no longer a machine draft."""
    from cms.machine_translation import clear_machine_draft

    clear_machine_draft(page)


@hooks.register("before_edit_page", order=-1)
def note_changed_passages(request, page):
    """In wagtail-localize's translation editor (which its own before_edit_page hook
    shows next), name the passages whose English changed since they were translated,
    each with the earlier translation as a hint: the editor shows them as untranslated
    and keeps the earlier translation out of sight."""
    if request.method != "GET":
        return None
    from wagtail_localize.models import Translation

    from cms.translation_progress import changed_passages

    translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        target_locale_id=page.locale_id,
        enabled=True,
    ).first()
    changed = changed_passages(translation) if translation else []
    if changed:
        messages.warning(request, changed_passages_note(changed, page.locale))
    return None


def changed_passages_note(changed, locale):
    from django.utils.html import format_html, format_html_join, strip_tags
    from django.utils.translation import get_language_info, ngettext

    code = locale.language_code
    direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
    intro = ngettext(
        "%(count)s passage changed in English since it was translated. It shows as "
        "untranslated below; the earlier translation is here as a hint. If you publish "
        "before translating it, readers get it in English.",
        "%(count)s passages changed in English since they were translated. They show "
        "as untranslated below; the earlier translations are here as hints. If you "
        "publish before translating them, readers get them in English.",
        len(changed),
    ) % {"count": len(changed)}
    items = format_html_join(
        "",
        '<li>{}: <span lang="en" dir="ltr">{}</span><br>{}: <span lang="en" '
        'dir="ltr">{}</span><br>{}: <span lang="{}" dir="{}">{}</span></li>',
        (
            (
                _("English now"),
                strip_tags(now),
                _("English before"),
                strip_tags(before),
                _("Earlier translation"),
                code,
                direction,
                strip_tags(translated),
            )
            for now, before, translated in changed
        ),
    )
    return format_html('{}<ul class="changed-passages">{}</ul>', intro, items)


def may_delete(user, page) -> bool:
    """Deleting a page takes the permission to add pages there. Wagtail lets anyone who
    may edit and publish a page delete it when it has no children; the translators'
    groups (cms.demo.load_translator_groups) edit and publish their language's pages
    but add none, and a volunteer must not be able to remove a live translation."""
    return user.is_superuser or "add" in page.permissions_for_user(user).permissions


def _refuse_deletion(request, page):
    from django.shortcuts import redirect

    messages.error(
        request,
        _("Only people who can add pages here can delete “%(title)s”.")
        % {"title": page.get_admin_display_title()},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_delete_page")
def refuse_deletion_without_add(request, page):
    if not may_delete(request.user, page):
        return _refuse_deletion(request, page)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deletion_without_add(request, action_type, objects, action_class):
    if action_type != "delete":
        return None
    from wagtail.models import Page

    for page in objects:
        if isinstance(page, Page) and not may_delete(request.user, page):
            return _refuse_deletion(request, page)
    return None


@hooks.register("register_rich_text_features", order=100)
def register_reader_page_links(features):
    """Page links in rich text keep the reader's language prefix (after Wagtail's own)."""
    from cms.rich_text import ReaderPageLinkHandler

    features.register_link_type(ReaderPageLinkHandler)


# Before Wagtail's own check_request_method (order 0), which answers OPTIONS.
hooks.register("before_serve_page", order=-1)(private_options.refuse_options_as_a_get)
hooks.register("construct_page_action_menu")(workflow_labels.use_own_submit_label)
# After Wagtail's own (order 0), whose workflow formatters it wraps.
hooks.register("register_log_actions", order=1)(workflow_labels.history_in_own_words)


@hooks.register("register_log_actions")
def keep_person_history_apart(actions):
    from django.apps import apps

    from cms.models import PersonLogEntry
    from cms.retention import PERSON_MODELS

    for label in PERSON_MODELS:
        actions.register_model(apps.get_model(label), PersonLogEntry)


@hooks.register("register_permissions")
def offer_operations_permission():
    """An on-call operator who watches the queues need not be an administrator, who
    reads every subscriber: the Groups screen offers Queues and health on its own.
    (The outbox's permission stays off it: it holds every subscriber's mail.)"""
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="cms", codename="view_operations"
    )

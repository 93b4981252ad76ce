"""Staff import and export of subscribers (CSV): export from the lists they may view,
import into the lists they may import into (a separate grant: an import adds confirmed
subscribers, so seeing a list must not be enough to fill it). What an import reports,
and what a list shows of people known from other lists, depends on what the user may
see (subscribers.imports, selectors.details_shown_to)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from cms.languages import join_names

from . import exports, imports
from .models import ListPermission
from .selectors import lists_user_can, sees_every_list

MAX_UPLOAD = 20 * 1024 * 1024
VIEW = ListPermission.Permission.VIEW
IMPORT = ListPermission.Permission.IMPORT


def _import_help() -> str:
    return gettext(
        "Columns: e-mail, name, language (one of %(codes)s; empty: en), ZIP, lists "
        "(list slugs or names, separated by semicolons). Only import people who "
        "agreed to hear from us."
    ) % {"codes": imports.accepted_languages()}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=lazy(_import_help, str)(),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class _ScopedView(View):
    permission = VIEW

    def dispatch(self, request, *args, **kwargs):
        self.lists = lists_user_can(request.user, self.permission)
        if not self.lists.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportView(_ScopedView):
    permission = IMPORT
    template_name = "subscribers/admin/import.html"

    def get(self, request):
        return self._render(request, ImportForm())

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            rows = imports.read_csv(form.cleaned_data["file"].read())
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
            return self._render(request, form, status=400)
        report = imports.import_subscribers(
            rows=rows, allowed_lists=self.lists, importer=request.user
        )
        told = report.told_to(
            sees_all_lists=sees_every_list(request.user),
            sees_suppressions=sees_suppressions(request.user),
        )
        return self._render(request, ImportForm(), report=told)

    def _render(self, request, form, *, report=None, status=200):
        context = {
            "form": form,
            "report": report,
            "lists": self.lists,
            "list_slugs": list_slugs(self.lists),
            "explains_pending": not sees_every_list(request.user),
        }
        return render(request, self.template_name, context, status=status)


def list_slugs(lists) -> str:
    """The lists' slugs, each as code, joined with the admin language's comma (the
    sentence that introduces them carries its own colon: Chinese "：")."""
    codes = [format_html("<code>{}</code>", each.slug) for each in lists]
    # Each slug is escaped by format_html; the joining comma is a catalogue's.
    return mark_safe(join_names(codes))  # noqa: S308


def sees_suppressions(user) -> bool:
    """Whoever may open the suppressions screen, which looks an address up."""
    from .viewsets import suppression_viewset

    return suppression_viewset.permission_policy.user_has_any_permission(
        user, ["add", "change", "delete", "view"]
    )


class ExportView(_ScopedView):
    def get(self, request):
        from .viewsets import (
            SubscriptionFilterSet,
            scoped_subscriptions,
            search_by_email,
        )

        queryset = scoped_subscriptions(request.user)
        filters = SubscriptionFilterSet(request.GET, queryset=queryset, request=request)
        queryset = filters.qs if filters.is_valid() else queryset.none()
        if request.GET.get("q"):
            queryset = search_by_email(queryset, request.GET["q"])
        response = StreamingHttpResponse(
            exports.csv_lines(exports.subscription_rows(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="subscribers-{stamp}.csv"'
        )
        return response

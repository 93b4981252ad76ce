"""Wagtail admin for lists and subscribers, scoped to the lists a user may view."""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from cms.languages import join_names, language_choices, language_label
from subscribers.addresses import EmailAddressField, staff_email

from . import crypto, services
from .admin_views import ExportView, ImportView
from .forms import MAX_ID
from .models import ListPermission, MailingList, Subscription, Suppression
from .selectors import (
    details_shown_to,
    list_counts,
    lists_user_can,
    subscriptions_seen_by,
)

VIEW = ListPermission.Permission.VIEW


class CountsColumn(Column):
    """Subscribers on a list by status, and by language within each status."""

    def __init__(self, status, **kwargs):
        self.status = status
        super().__init__(status, label=Subscription.Status(status).label, **kwargs)

    def get_value(self, instance):
        by_language = instance.counts.get(self.status, {})
        total = sum(by_language.values())
        if not total:
            return "0"
        # "": people whose language this user may not see (selectors.details_shown_to).
        detail = join_names(
            f"{language_label(code)} {n}"
            for code, n in sorted(by_language.items())
            if code
        )
        return f"{total} ({detail})" if detail else str(total)


class MailingListIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=lists_user_can(self.request.user, VIEW))
        )

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        lists = context["object_list"]
        counts = list_counts(
            MailingList.objects.filter(pk__in=[m.pk for m in lists]),
            details=details_shown_to(self.request.user),
        )
        for mailing_list in lists:
            mailing_list.counts = counts.get(mailing_list.pk, {})
        return context


class MailingListViewSet(ModelViewSet):
    model = MailingList
    icon = "list-ul"
    add_to_admin_menu = True
    menu_order = 210
    menu_label = _("Mailing lists")
    index_view_class = MailingListIndexView
    # A list's copy screen would show any list to whoever may add one.
    copy_view_enabled = False
    list_display = [
        "name",
        Column(
            "two_person_rule",
            label=_("Alerts need a second person"),
            accessor=lambda mailing_list: (
                _("yes") if mailing_list.two_person_rule else ""
            ),
        ),
        CountsColumn(Subscription.Status.CONFIRMED),
        CountsColumn(Subscription.Status.PENDING),
        CountsColumn(Subscription.Status.UNSUBSCRIBED),
    ]


class ListIdField(forms.ModelChoiceField):
    def to_python(self, value):
        text = str(value or "")
        if text and not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ListFilter(django_filters.ModelChoiceFilter):
    field_class = ListIdField


def visible_lists(request):
    if request is None:
        return MailingList.objects.none()
    return lists_user_can(request.user, VIEW)


class SubscriptionFilterSet(WagtailFilterSet):
    mailing_list = ListFilter(label=_("List"), queryset=visible_lists)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Subscription.Status.choices
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Subscription.Source.choices
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        field_name="subscriber__language",
        choices=language_choices,
        method="filter_language",
    )

    class Meta:
        model = Subscription
        fields = ["mailing_list", "status", "source", "language"]

    def filter_language(self, queryset, name, value):
        # Only among rows that show their language: filtering the others would tell it.
        return queryset.filter(shows_details=True, **{name: value})


def scoped_subscriptions(user):
    """Subscriptions on the lists ``user`` may view; the base of every staff listing.

    Each row says whether it ``shows_details`` (selectors.details_shown_to).
    """
    return subscriptions_seen_by(user).select_related("subscriber", "mailing_list")


def shown_name(row) -> str:
    return (row.subscriber.name or "") if row.shows_details else ""


def shown_language(row) -> str:
    return language_label(row.subscriber.language) if row.shows_details else ""


def shown_email(subscription) -> str:
    """The address, a look-alike domain in its IDNA form (addresses.staff_email)."""
    return staff_email(subscription.subscriber.email)


def search_by_email(queryset, query: str):
    """Addresses are encrypted, so search is an exact match on the keyed hash."""
    return queryset.filter(subscriber__email_hash=crypto.lookup_hash(query))


class WholeAddressSearchMixin:
    """The search box and its empty answer say that only a whole address is found:
    "ana" found nothing under "Search…", and staff concluded she was on no list."""

    def get_search_form(self):
        if not self.is_searchable:
            return None
        data = self.request.GET if self.search_kwarg in self.request.GET else None
        return SearchForm(data, placeholder=_("Whole e-mail address"))

    @cached_property
    def no_results_message(self):
        if self.search_query:
            return _(
                "Nothing found. Search takes a whole e-mail address: addresses are "
                "stored encrypted, so part of one finds nothing."
            )
        return super().no_results_message


class SubscriptionIndexView(WholeAddressSearchMixin, IndexView):
    def get_base_queryset(self):
        return scoped_subscriptions(self.request.user)

    def search_queryset(self, queryset):
        if not self.search_query:
            return queryset
        return search_by_email(queryset, self.search_query)

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if lists_user_can(self.request.user, ListPermission.Permission.IMPORT).exists():
            buttons.append(
                HeaderButton(
                    _("Import CSV"),
                    url=reverse("subscribers_admin:import"),
                    icon_name="upload",
                )
            )
        buttons.append(
            HeaderButton(
                _("Export CSV"),
                url=reverse("subscribers_admin:export")
                + "?"
                + self.request.GET.urlencode(),
                icon_name="download",
            )
        )
        return buttons


class SubscriptionStatusForm(WagtailAdminModelForm):
    """Staff take someone off a list; only the person joins or confirms.

    A pending row may be a signup someone typed for another person, an unsubscribed
    one a person who left: offering "confirmed" on either let one click overrule the
    double opt-in or the person's own leaving, with no consent recorded.
    """

    class Meta:
        model = Subscription
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.status
        allowed = {current, Subscription.Status.UNSUBSCRIBED}
        field = self.fields["status"]
        field.choices = [
            (value, label) for value, label in field.choices if value in allowed
        ]
        field.help_text = _(
            "Staff can take someone off a list. Only the person can join or confirm, "
            "with the link we e-mail them."
        )


class ScopedEditView(EditView):
    def get_queryset(self):
        return scoped_subscriptions(self.request.user)


class ScopedDeleteView(DeleteView):
    def get_queryset(self):
        return scoped_subscriptions(self.request.user)


class ScopedHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return scoped_subscriptions(self.request.user)


class ScopedUsageView(UsageView):
    def get_base_object_queryset(self):
        return scoped_subscriptions(self.request.user)


class SubscriptionViewSet(ModelViewSet):
    model = Subscription
    name = "subscribers_admin"
    icon = "group"
    add_to_admin_menu = True
    menu_order = 220
    # No menu_label: Wagtail's default is the page's own title, "Subscriptions" (a
    # row per person and list), which a "Subscribers" label contradicted.
    form_fields = ["status"]
    index_view_class = SubscriptionIndexView
    # Every view that loads one row loads it from the user's own lists only. There is
    # no copy: one row per person and list, and Wagtail's copy screen loads any row.
    copy_view_enabled = False
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    filterset_class = SubscriptionFilterSet
    search_fields = ["subscriber__email_hash"]
    list_display = [
        Column("email", label=_("E-mail address"), accessor=shown_email),
        Column("name", label=_("Name"), accessor=shown_name),
        Column("language", label=_("Language"), accessor=shown_language),
        Column("mailing_list", label=_("List")),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("source", label=_("Source"), accessor="get_source_display"),
        Column("consented_at", label=_("Consent time")),
    ]

    def get_form_class(self, for_update=False):
        return SubscriptionStatusForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", ImportView.as_view(), name="import"),
            path("export/", ExportView.as_view(), name="export"),
        ]


mailing_list_viewset = MailingListViewSet("mailing_lists")
subscription_viewset = SubscriptionViewSet()


ERASED_HELP = _(
    "“Erased at the person's request” also deletes everything held about the "
    "address: the person, their subscriptions, signatures and RSVPs."
)


class SuppressionReasonForm(WagtailAdminModelForm):
    """A suppression's reason, the one thing staff change on it."""

    class Meta:
        model = Suppression
        fields = ["reason"]
        help_texts = {"reason": ERASED_HELP}


class SuppressionForm(forms.ModelForm):
    """Staff add an address to the suppression list; only its keyed hash is kept."""

    email = EmailAddressField(label=_("E-mail address"), max_length=254)

    class Meta:
        model = Suppression
        fields = ["email", "reason"]
        help_texts = {"reason": ERASED_HELP}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if Suppression.objects.filter(email_hash=crypto.lookup_hash(email)).exists():
            raise forms.ValidationError(_("This address is already suppressed."))
        return email

    def save(self, commit=True):
        self.instance.email_hash = crypto.lookup_hash(self.cleaned_data["email"])
        return super().save(commit)


ERASE_PERMISSION = "subscribers.erase_person"


class ErasingSaveMixin:
    """A suppression saved with the reason "erased at the person's request" erases the
    person: staff chose it for someone who phoned to be forgotten, and it only blocked
    the address while their subscriptions, signatures and RSVPs stayed.

    Only for staff with ERASE_PERMISSION (superusers have it): others may lift a bounce
    or block an address, and neither see the choice nor can post it."""

    def may_erase(self) -> bool:
        return self.request.user.has_perm(ERASE_PERMISSION)

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        already_erased = form.instance.reason == Suppression.Reason.ERASED
        if not self.may_erase() and not already_erased:
            field = form.fields["reason"]
            field.choices = [
                choice
                for choice in field.choices
                if choice[0] != Suppression.Reason.ERASED
            ]
        return form

    def save_instance(self):
        if self.form.instance.reason == Suppression.Reason.ERASED and not (
            self.may_erase() or self.form.initial.get("reason") == "erased"
        ):
            raise PermissionDenied
        instance = super().save_instance()
        if instance.reason == Suppression.Reason.ERASED:
            services.erase_address(email_hash=instance.email_hash)
        return instance


class SuppressionCreateView(ErasingSaveMixin, CreateView):
    pass


class SuppressionEditView(ErasingSaveMixin, EditView):
    pass


class SuppressionIndexView(WholeAddressSearchMixin, IndexView):
    def search_queryset(self, queryset):
        if not self.search_query:
            return queryset
        return queryset.filter(email_hash=crypto.lookup_hash(self.search_query))


class SuppressionViewSet(ModelViewSet):
    """Deleting a row is the staff action that lifts a bounce or complaint."""

    model = Suppression
    icon = "cross"
    add_to_admin_menu = True
    menu_order = 230
    menu_label = _("Suppressions")
    index_view_class = SuppressionIndexView
    add_view_class = SuppressionCreateView
    edit_view_class = SuppressionEditView
    copy_view_enabled = False  # one row per address
    search_fields = ["email_hash"]
    list_filter = ["reason"]
    list_display = [
        Column("reason", label=_("Reason"), accessor="get_reason_display"),
        Column("created_at", label=_("Since")),
    ]

    def get_form_class(self, for_update=False):
        return SuppressionReasonForm if for_update else SuppressionForm


suppression_viewset = SuppressionViewSet()

"""The group editor's "Mailing lists" panel: what a group may do with each list (see
and export, import, send). Giving a second person "send" is how an alert list under
the two-person rule gets its approver."""

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .models import ListPermission, MailingList


class ListPermissionsPanelForm(forms.Form):
    """One checkbox per list and permission; saving replaces the group's rows."""

    def __init__(self, data=None, files=None, instance=None, prefix="list_permissions"):
        self.instance = instance
        self.lists = list(MailingList.objects.order_by("name"))
        granted: dict[str, list[int]] = {
            kind: [] for kind in ListPermission.Permission.values
        }
        if instance is not None and instance.pk:
            for kind, list_id in instance.list_permissions.values_list(
                "permission", "mailing_list_id"
            ):
                granted[kind].append(list_id)
        super().__init__(data=data, files=files, prefix=prefix, initial=granted)
        choices = [(mailing_list.pk, mailing_list.name) for mailing_list in self.lists]
        for kind, label in ListPermission.Permission.choices:
            self.fields[kind] = forms.TypedMultipleChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self) -> list[dict]:
        """[{list, cells: [(name, checked, label)]}] for the panel's table."""
        chosen = {
            kind: {str(value) for value in (self[kind].value() or [])}
            for kind in ListPermission.Permission.values
        }
        return [
            {
                "list": mailing_list,
                "cells": [
                    (
                        self.add_prefix(kind),
                        str(mailing_list.pk) in chosen[kind],
                        f"{label}: {mailing_list.name}",
                    )
                    for kind, label in ListPermission.Permission.choices
                ],
            }
            for mailing_list in self.lists
        ]

    def save(self) -> None:
        group = self.instance
        if group is None or not group.pk:
            return
        wanted = {
            (kind, list_id)
            for kind in ListPermission.Permission.values
            for list_id in self.cleaned_data.get(kind, [])
        }
        held = set(group.list_permissions.values_list("permission", "mailing_list_id"))
        for kind, list_id in held - wanted:
            group.list_permissions.filter(
                permission=kind, mailing_list_id=list_id
            ).delete()
        ListPermission.objects.bulk_create(
            [
                ListPermission(group=group, permission=kind, mailing_list_id=list_id)
                for kind, list_id in wanted - held
            ]
        )

    def as_admin_panel(self) -> str:
        return render_to_string(
            "subscribers/admin/group_list_permissions.html",
            {
                "form": self,
                "kinds": ListPermission.Permission.choices,
                "heading": _("Mailing lists"),
            },
        )

"""Admin permission policies: subcommittee groups see only their own lists."""

from wagtail.permission_policies import ModelPermissionPolicy

from .models import ListPermission
from .selectors import lists_user_can


class ListScopedPolicy(ModelPermissionPolicy):
    """Model permissions, plus "view" for anyone holding a list-level view grant.

    Which rows they then see is decided by the views' querysets (lists_user_can).
    """

    def _views_a_list(self, user) -> bool:
        return lists_user_can(user, ListPermission.Permission.VIEW).exists()

    def user_has_permission(self, user, action):
        if action == "view" and self._views_a_list(user):
            return True
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        if "view" in actions and self._views_a_list(user):
            return True
        return super().user_has_any_permission(user, actions)


class SubscriptionPolicy(ListScopedPolicy):
    """As ListScopedPolicy, and nobody adds a row on a form: a subscription needs its
    person and list, which the signup, an import or a partner gives. Wagtail's "Add
    subscription" offered only Status, and saving it answered 500."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

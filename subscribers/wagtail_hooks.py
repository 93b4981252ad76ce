from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import MailingList, Subscription
from .permissions import ListScopedPolicy
from .viewsets import mailing_list_viewset, subscription_viewset, suppression_viewset

register_permission_policy(MailingList, ListScopedPolicy(MailingList), exact_class=True)
register_permission_policy(
    Subscription, ListScopedPolicy(Subscription), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_subscriber_viewsets():
    return [mailing_list_viewset, subscription_viewset, suppression_viewset]

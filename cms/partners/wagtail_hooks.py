from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import PersonalDataRead, WebhookDelivery
from .viewsets import PartnersViewSetGroup, ReadOnlyPolicy

register_permission_policy(
    WebhookDelivery, ReadOnlyPolicy(WebhookDelivery), exact_class=True
)
register_permission_policy(
    PersonalDataRead, ReadOnlyPolicy(PersonalDataRead), exact_class=True
)


@hooks.register("register_admin_viewset")
def register_partner_viewsets():
    return PartnersViewSetGroup()

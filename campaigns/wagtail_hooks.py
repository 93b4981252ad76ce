from wagtail import hooks

from campaigns.viewsets import campaign_viewset


@hooks.register("register_admin_viewset")
def register_campaign_viewset():
    return campaign_viewset

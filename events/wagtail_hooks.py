from wagtail import hooks

from events.viewsets import rsvp_viewset


@hooks.register("register_admin_viewset")
def register_rsvp_viewset():
    return rsvp_viewset

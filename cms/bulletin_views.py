"""Admin: start the next bulletin from the last one (its blocks, today's date)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cms import services
from cms.admin_ui import AdminScreenMixin
from cms.languages import join_names
from cms.models import BulletinPage


def source_for(request) -> BulletinPage | None:
    """?from=<id> (a live bulletin the user may see), else the last bulletin."""
    chosen = request.GET.get("from") or request.POST.get("from")
    if chosen and chosen.isdigit():
        return get_object_or_404(BulletinPage.objects.live(), pk=int(chosen))
    return services.last_bulletin()


def can_start_from(user, source: BulletinPage | None) -> bool:
    if source is None:
        return False
    return source.get_parent().permissions_for_user(user).can_add_subpage()


class NextBulletinView(AdminScreenMixin, TemplateView):
    page_title = gettext_lazy("New bulletin from the last one")
    header_icon = "doc-full"
    template_name = "cms/admin/next_bulletin.html"

    def dispatch(self, request, *args, **kwargs):
        self.source = source_for(request)
        if self.source is not None and not can_start_from(request.user, self.source):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        source = self.source
        if source is not None:
            kinds = [child.block.label for child in source.body]
            context.update(
                source=source,
                block_count=len(kinds),
                block_labels=join_names(str(kind) for kind in kinds),
                listings=sum(
                    1 for child in source.body if child.block_type == "event_listing"
                ),
            )
        return context

    def post(self, request, *args, **kwargs):
        if self.source is None:
            messages.error(request, _("There is no published bulletin to start from."))
            return redirect("wagtailadmin_home")
        page = services.start_next_bulletin(user=request.user, source=self.source)
        messages.success(
            request,
            _(
                "A draft of the next bulletin is ready: change what is new, then publish."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)

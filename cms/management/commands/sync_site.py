from django.core.management.base import BaseCommand, CommandError

from cms.sites import sync_default_site


class Command(BaseCommand):
    help = "Point the default Wagtail Site at BASE_URL's host and port (safe to rerun)."

    # It fixes what the deploy checks complain about, so it must run despite them.
    requires_system_checks = []

    def handle(self, *args, **options):
        site = sync_default_site()
        if site is None:
            raise CommandError(
                "There is no default Wagtail Site yet: run migrate and setup_site "
                "first."
            )
        self.stdout.write(f"Default site: {site.root_url}")

from django.core.management.base import BaseCommand
from wagtail.models import Locale, Site

from cms.skeleton import missing_texts_warnings, set_up_site
from subscribers.models import MailingList


class Command(BaseCommand):
    help = (
        "First deployment: the languages of LANGUAGES, the home page with the bulletin and "
        "event indexes and the signup page, the header menu and the four task-force "
        "lists. Makes only what is missing: safe to rerun, no demo content."
    )

    def handle(self, *args, **options):
        home = set_up_site()
        site = Site.objects.get(is_default_site=True)
        for warning in missing_texts_warnings():
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Site ready: {home.title} on {site.root_url}, "
                f"{Locale.objects.count()} languages, "
                f"{MailingList.objects.count()} lists."
            )
        )
        self.stdout.write(
            "Next, if there is no admin account yet: manage.py createsuperuser"
        )

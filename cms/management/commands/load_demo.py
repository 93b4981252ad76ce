from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaigns import demo as campaigns_demo
from cms import demo, demo_content
from cms.skeleton import missing_texts_warnings
from subscribers import demo as subscribers_demo


class Command(BaseCommand):
    help = "Load the demo content built from ../shared/seeds. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--i-know-this-is-production",
            action="store_true",
            dest="production",
            help="load the demo even under production settings",
        )

    def handle(self, *args, production: bool, **options):
        # The demo resets a known admin password and adds made-up people to the lists.
        if not settings.LOAD_DEMO_ALLOWED and not production:
            raise CommandError(
                "Refusing to load the demo under production settings "
                f"({settings.SETTINGS_MODULE}): it gives the '{demo.ADMIN_USERNAME}' "
                "account a known password and puts made-up subscribers on the lists. "
                "A new deployment wants 'manage.py setup_site' and 'manage.py "
                "createsuperuser' instead. To load the demo here anyway, add "
                "--i-know-this-is-production."
            )
        with transaction.atomic():
            demo.load_locales()
            home = demo.load_home_page()
            lists = subscribers_demo.load_lists()
            people = subscribers_demo.load_subscribers(lists)
            subscribers_demo.load_signup_page(home)
            demo_content.load_pages()
            campaigns_demo.load_petition()
            campaigns_demo.load_organizer_permissions()
            demo.load_menu()
            demo.load_translator_groups()
            username, password = demo.load_staff()
        for warning in missing_texts_warnings():
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {len(lists)} lists, {people} subscribers."
            )
        )
        self.stdout.write(f"Admin login: {username} / {password}")

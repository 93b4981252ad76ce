from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns import demo as campaigns_demo
from cms import demo, demo_content
from subscribers import demo as subscribers_demo


class Command(BaseCommand):
    help = "Load the demo content built from ../shared/seeds. Running it twice changes nothing."

    def handle(self, *args, **options):
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
            username, password = demo.load_staff()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {len(lists)} lists, {people} subscribers."
            )
        )
        self.stdout.write(f"Admin login: {username} / {password}")

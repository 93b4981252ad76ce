"""Run inside a subprocess against a private PostgreSQL (DATABASE_URL): seed, send, upkeep.

Used by test_postgres_restart.py, whose own ORM stays on the suite's database.
"""

import json
import sys

import django


def main(command: str, *args: str) -> None:
    django.setup()
    from campaigns.mailings.models import Delivery
    from campaigns.mailings.services.starting import (
        enqueue_send_batches,
        materialise_deliveries,
    )
    from campaigns.mailings.tasks import keep_mailings_moving_task

    if command == "seed":
        from tests.campaigns.bulk_audience import bulk_subscribers
        from tests.campaigns.mailing_fixtures import lists, sending_mailing
        from tests.factories import build_home_page

        home = build_home_page()
        chosen = lists(2)
        addresses = bulk_subscribers(int(args[0]), chosen, prefix="pgfault")
        mailing = sending_mailing(home, chosen, languages=("en",))
        materialise_deliveries(mailing, ["en"])
        print(json.dumps({"mailing": mailing.pk, "addresses": addresses}))  # noqa: T201
    elif command == "enqueue":
        enqueue_send_batches(mailing_id=int(args[0]))
    elif command == "upkeep":
        keep_mailings_moving_task.apply_async(queue="bulk")
        counts = {}
        for status in Delivery.objects.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        print(json.dumps(counts))  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:])

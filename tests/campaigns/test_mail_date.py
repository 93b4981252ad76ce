"""Every message said ``Date: ... -0000``: Django's UTC with EMAIL_USE_LOCALTIME off,
which RFC 5322 (3.3) reserves for "no information about the local time zone". The
office has one (TIME_ZONE), and every time in the message is on its clock: the Date
now carries that clock's offset (-0600 in a Chicago winter), on both encoders (the
once-encoded bulk messages and Django's own)."""

from datetime import datetime
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest

from tests.campaigns.mailing_fixtures import send_a_bulletin_and_a_confirmation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("zone", ["America/Chicago", "Asia/Kolkata"])
def test_the_date_carries_the_offices_offset(settings, smtp_sink, home_page, zone):
    settings.TIME_ZONE = zone
    send_a_bulletin_and_a_confirmation(home_page)

    assert len(smtp_sink.envelopes) == 2
    for _recipients, raw in smtp_sink.envelopes:
        header = message_from_bytes(raw, policy=policy.default)["Date"]
        assert not str(header).endswith("-0000"), header
        sent = header.datetime
        assert sent.utcoffset() == datetime.now(ZoneInfo(zone)).utcoffset(), header
        assert abs((datetime.now(ZoneInfo(zone)) - sent).total_seconds()) < 120

"""The fake provider speaks Mailgun well enough for anymail's real backend."""

import pytest
from anymail.exceptions import AnymailRequestsAPIError
from anymail.message import AnymailMessage


def batch(*recipients: str) -> AnymailMessage:
    message = AnymailMessage(
        subject="Rally today, %recipient.name%",
        body="Hi %recipient.name%, leave: %recipient.unsubscribe_url%",
        from_email="Office of New Americans <news@mg.ona.example.org>",
        to=list(recipients),
    )
    message.attach_alternative("<p>Hi %recipient.name%</p>", "text/html")
    message.merge_data = {
        address: {"name": address.split("@")[0], "unsubscribe_url": f"https://x/u/{i}"}
        for i, address in enumerate(recipients)
    }
    message.merge_headers = {
        address: {"List-Unsubscribe": f"<https://x/u/{i}>"}
        for i, address in enumerate(recipients)
    }
    message.merge_metadata = {
        address: {"delivery_id": i} for i, address in enumerate(recipients)
    }
    return message


def test_batch_send_is_one_call_with_per_recipient_merge(fake_esp):
    message = batch("ana@example.org", "li@example.org")
    message.send()

    assert fake_esp.calls == 1
    rows = {row.to: row for row in fake_esp.delivered}
    assert set(rows) == {"ana@example.org", "li@example.org"}
    assert rows["ana@example.org"].subject == "Rally today, ana"
    assert rows["li@example.org"].text == "Hi li, leave: https://x/u/1"
    assert rows["li@example.org"].headers["List-Unsubscribe"] == "<https://x/u/1>"
    assert rows["li@example.org"].variables["v:delivery_id"] == 1
    statuses = message.anymail_status.recipients
    assert statuses["ana@example.org"].status == "queued"
    assert statuses["ana@example.org"].message_id == rows["ana@example.org"].message_id


@pytest.mark.parametrize("status", [429, 500, 503])
def test_injected_failures_reach_anymail_with_retry_after(fake_esp, status):
    fake_esp.faults.fail_next = [status]
    fake_esp.faults.retry_after = 7
    with pytest.raises(AnymailRequestsAPIError) as raised:
        batch("ana@example.org").send()
    assert raised.value.status_code == status
    if status in (429, 503):
        assert raised.value.response.headers["Retry-After"] == "7"
    assert fake_esp.delivered == []
    batch("ana@example.org").send()
    assert fake_esp.recipients() == ["ana@example.org"]


def test_outage_and_rejected_address(fake_esp):
    fake_esp.go_down(60)
    with pytest.raises(AnymailRequestsAPIError) as raised:
        batch("ana@example.org").send()
    assert raised.value.status_code == 503
    fake_esp.faults.down_until = 0
    fake_esp.faults.reject_addresses = {"bad@example.org"}
    with pytest.raises(AnymailRequestsAPIError) as raised:
        batch("ana@example.org", "bad@example.org").send()
    assert raised.value.status_code == 400
    assert fake_esp.delivered == []


def test_fast_recipient_parsing_matches_anymail():
    from anymail.utils import parse_address_list

    from campaigns.mailings.backends import parse_recipients

    addresses = [
        "ana@example.org",
        "o'brien+news@mail.example.co.uk",
        "Ana <ana@example.org>",
    ]
    fast = [
        (a.display_name, a.addr_spec, a.domain) for a in parse_recipients(addresses)
    ]
    slow = [
        (a.display_name, a.addr_spec, a.domain) for a in parse_address_list(addresses)
    ]
    assert fast == slow

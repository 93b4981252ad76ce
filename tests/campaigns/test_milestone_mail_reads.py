"""The campaign leads' milestone e-mail as a lead's mail client gets it (found reading
each kind of e-mail the platform sends, in the six languages, as it arrived)."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from campaigns.services.counters import record_milestone
from campaigns.tasks import notify_milestone_task
from cms.mail import outbox
from tests.factories import speaking

pytestmark = pytest.mark.django_db


def lead_reading(campaign, django_user_model, language: str) -> None:
    campaign.lead_emails = "lead@ona.example.org"
    campaign.save()
    lead = django_user_model.objects.create_user(
        username="lead", email="lead@ona.example.org", password="x"
    )
    speaking(lead, language)


def the_message():
    (message,) = [outbox.read_message(name) for name in outbox.list_messages()]
    return message


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_milestone_mail_has_a_head_with_its_charset_and_title(
    campaign, outbox_dir, django_user_model, language
):
    """It had no <head>: no charset, no viewport, and no <title>, so a screen reader
    announced nothing for it, where every other one-person e-mail has the shared shell
    (templates/email/_base.html), whose card also keeps Arabic right to left where
    Gmail drops the <html> element's dir."""
    lead_reading(campaign, django_user_model, language)
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    notify_milestone_task(milestone.pk)

    message = the_message()
    _text, html = outbox.body_parts(message)
    head = re.search(r"<head>(.*?)</head>", html, flags=re.S)
    assert head, html
    assert '<meta charset="utf-8">' in head.group(1)
    assert f"<title>{message['Subject']}</title>" in head.group(1)
    card = re.search(r'<table role="presentation" width="600"[^>]*>', html).group(0)
    assert f'dir="{"rtl" if language == "ar" else "ltr"}"' in card
    # What it says is what it said.
    assert f"<strong>{milestone_phrase(message)}</strong>" in html


def milestone_phrase(message) -> str:
    return message["Subject"].split(": ", 1)[-1].split("：", 1)[-1]


def test_the_milestone_mail_keeps_its_words_in_the_shared_shell(campaign):
    """The shell around the words is the one the other one-person e-mails have."""
    context = {
        "campaign": campaign,
        "campaign_title": campaign.name,
        "reached_text": "10 signatures reached",
        "reached": "Dec. 5, 2026, 3:14 a.m. (Chicago time)",
        "written": "Dec. 5, 2026, 9:41 a.m. (Chicago time)",
        "count": "12",
        "report_url": "https://ona.example.org/admin/report/",
        "petition_url": "https://ona.example.org/petition/",
        "site_name": "Office of New Americans",
        "subject": "Hate has no place in Chicago: 10 signatures reached",
    }
    with translation.override("en"):
        html = render_to_string("email/milestone_reached.html", context)
        other = render_to_string(
            "email/test_message.html", {**context, "base_url": "https://x/"}
        )
    assert html.startswith(other[: other.index("<title>")])
    for words in (
        '<h1 style="font-size: 20px;">Hate has no place in Chicago</h1>',
        '<p style="font-size: 18px;"><strong>10 signatures reached</strong></p>',
        "Time reached: Dec. 5, 2026, 3:14 a.m. (Chicago time)<br>",
        "Count when this e-mail was written, Dec. 5, 2026, 9:41 a.m. (Chicago time): 12",
        '<a href="https://ona.example.org/admin/report/">Campaign report: '
        "Hate has no place in Chicago</a>",
        '<a href="https://ona.example.org/petition/">Petition page: '
        "Hate has no place in Chicago</a>",
    ):
        assert words in html
    footer = re.search(r'<td style="padding:16px 24px;[^>]*>(.*?)</td>', html).group(1)
    assert footer == "Office of New Americans"


def test_the_chinese_count_line_puts_no_brackets_inside_brackets(
    campaign, outbox_dir, django_user_model
):
    """The time ends with its zone in brackets ("（芝加哥时间）"), and the Chinese line
    put the whole time in brackets too: "计数（2026年…16:16（芝加哥时间））：520"."""
    lead_reading(campaign, django_user_model, "zh-hans")
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    notify_milestone_task(milestone.pk)

    text, _html = outbox.body_parts(the_message())
    (line,) = [line for line in text.splitlines() if "计数" in line]
    assert "芝加哥时间）" in line
    assert "））" not in line, line

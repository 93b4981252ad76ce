"""The admin's file outbox is where `make run` delivers every e-mail: a newcomer confirms
a signup by pressing the button in the message's HTML part. That link opens its page in
a new tab, as a mail client would, instead of an error inside the sandboxed preview
frame (our pages refuse to be framed); the message's HTML still runs no script."""

import re

import pytest
from django.core import mail

from cms.mail import outbox
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_pressed_in_an_outbox_message_opens_its_page(
    open_page, live_server, home_page, outbox_dir
):
    admin_user = SuperuserFactory()
    target = f"{live_server.url}/"
    message = mail.EmailMultiAlternatives(
        "Please confirm", f"Confirm here:\n{target}\n", to=["ana@example.org"]
    )
    message.attach_alternative(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Please confirm</title></head><body>"
        f'<p><a href="{target}">Confirm my subscription</a></p>'
        '<p id="scripted">no script ran</p>'
        "<script>document.getElementById('scripted').textContent='ran'</script>"
        "</body></html>",
        "text/html",
    )
    message.send()
    (name,) = outbox.list_messages()

    admin = open_page()
    admin.goto(f"{live_server.url}/admin/login/")
    admin.get_by_label("Username").fill(admin_user.username)
    admin.get_by_label("Password").fill("correct horse battery staple")
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(f"{live_server.url}/admin/")
    admin.goto(f"{live_server.url}/admin/outbox/{name}/")

    frame = admin.frame_locator("iframe[title='HTML part']")
    frame.get_by_text("no script ran").wait_for()
    with admin.context.expect_page() as opened:
        frame.get_by_role("link", name="Confirm my subscription").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == target
    assert re.search(home_page.title, tab.title())
    # The preview itself stayed where it was, and still runs no script.
    assert admin.url == f"{live_server.url}/admin/outbox/{name}/"
    assert frame.get_by_text("no script ran").is_visible()

"""“Send me a test” of a page's e-mail goes through a real Celery worker process."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cms.mail import outbox
from tests.factories import SuperuserFactory, build_bulletin, translate_page
from tests.workers import celery_worker, wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_send_me_a_test_of_a_bulletin_in_arabic(
    client, home_page, outbox_dir, tmp_path
):
    bulletin = build_bulletin(
        title="Important resources",
        body=[("heading", {"text": "News", "level": "h2"})],
    )
    translate_page(bulletin, "ar", title="موارد مهمة")
    admin = SuperuserFactory(username="mailer", email="mailer@staff.example.org")
    client.force_login(admin)
    # On Redis, or on the embedded broker under this process's own VAR_DIR.
    var_dir = tmp_path / "var" if settings.REDIS_URL else Path(settings.VAR_DIR)
    env = worker_env(redis_url=settings.REDIS_URL or None, var_dir=var_dir)

    # Queued while no worker runs: nothing may be sent by the web request itself.
    response = client.post(
        reverse("cms_email_preview:send_test", args=[bulletin.pk]),
        {"language": "ar"},
    )
    assert response.status_code == 302
    assert outbox.list_messages() == [], "the web request must not send inline"

    with celery_worker(
        env=env, queues=["default"], log_path=tmp_path / "worker.log", ready_timeout=120
    ):
        (name,) = wait_for(
            outbox.list_messages, timeout=90, what="the page test e-mail"
        )

    message = outbox.read_message(name)
    text, html = outbox.body_parts(message)
    assert message["To"] == "mailer@staff.example.org"
    assert message["Subject"] == "[تجربة] موارد مهمة"
    assert '<html lang="ar" dir="rtl">' in html
    assert "%%UNSUBSCRIBE_URL%%" not in html
    assert "NEWS" in text

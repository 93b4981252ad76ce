"""What an editor does in the production smoke test, run inside a production process:
write a bulletin with an image and links to the site, and send it to a demo list.

Run as ``python -m tests.production.smoke_actions`` with the production environment;
prints {"mailing": id, "recipients": n} as JSON.
"""

import io
import json
import os

import django


def png() -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1600, 600), (11, 61, 117))
    ImageDraw.Draw(picture).rectangle((80, 80, 1520, 520), outline=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def compose_and_send() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from campaigns.mailings.selectors import audience_subscribers
    from campaigns.mailings.services import control
    from campaigns.models import PetitionPage
    from cms.models import BulletinIndexPage, BulletinPage
    from events.models import EventPage
    from subscribers.models import MailingList

    image = get_image_model()(
        title="Rally at Daley Plaza",
        collection=Collection.get_first_root_node(),
        file=ImageFile(io.BytesIO(png()), name="daley-plaza-rally.png"),
    )
    image._set_image_file_metadata()
    image.save()
    petition = PetitionPage.objects.live().filter(locale__language_code="en").first()
    event = EventPage.objects.live().filter(locale__language_code="en").first()
    body = [
        {
            "type": "paragraph",
            "value": f'<p>Sign <a linktype="page" id="{petition.pk}">the petition'
            "</a> and bring a friend to the rally.</p>",
        },
        {
            "type": "image",
            "value": {
                "image": image.pk,
                "alt_text": "People marching across Daley Plaza",
                "caption": "Daley Plaza, last Saturday",
            },
        },
        {
            "type": "call_to_action",
            "value": {"text": "", "label": "RSVP", "page": event.pk, "url": ""},
        },
    ]
    index = BulletinIndexPage.objects.get(locale__language_code="en")
    bulletin = BulletinPage(
        title="Rally recap and what comes next",
        slug="rally-recap",
        summary="Photos from the rally, the petition, and the next event.",
        body=json.dumps(body),
    )
    index.add_child(instance=bulletin)
    bulletin.save_revision().publish()

    admin = get_user_model().objects.get(username="admin")
    outreach = MailingList.objects.get(name="Community Outreach/Education")
    mailing = control.create_mailing(user=admin, page=bulletin, list_ids=[outreach.pk])
    control.send_now(user=admin, mailing_id=mailing.pk)
    recipients = audience_subscribers(list_ids=[outreach.pk]).count()
    return {"mailing": mailing.pk, "recipients": recipients}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
    django.setup()
    print(json.dumps(compose_and_send()))  # noqa: T201 - read by the test

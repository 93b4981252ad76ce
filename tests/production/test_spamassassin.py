"""What we deliver does not look like spam: a sample of real messages (a bulletin in six
languages, a rally alert, a signup confirmation, a signature verification, RSVP
confirmations in Arabic and Hindi), sent through the production SMTP path to a loopback relay, scored by
Debian's SpamAssassin (`spamassassin -t -L`: local tests only) as the relay would pass
them on: with a Received line naming our EHLO. Each must score <= 0.0.

Skips only where SpamAssassin is not installed; CI installs it (.ci/run).
"""

import re
import shutil
import subprocess
from datetime import timedelta
from email.utils import formatdate

import pytest
from django.utils import timezone

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import alerts, control, sending, starting
from campaigns.services import notifications, petitions
from events import services as events
from subscribers.emails import send_confirmation_email
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.factories import (
    CampaignFactory,
    SuperuserFactory,
    build_bulletin,
    build_event,
    build_petition_page,
    stream,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("spamassassin") is None,
        reason="needs SpamAssassin: apt-get install spamassassin",
    ),
]
# A public-looking relay address outside every range SpamAssassin treats specially
# (198.18.0.0/15 is for benchmarks: no host of anyone's).
RELAY_IP = "198.18.0.25"
# Bayes off: scores must not drift with what this machine has learnt before.
SPAMASSASSIN = [
    "spamassassin",
    "-t",
    "-L",
    "-x",
    "--cf=use_bayes 0",
    "--cf=bayes_auto_learn 0",
]

BULLETIN = {
    "en": {
        "title": "Know your rights: free legal help in Chicago",
        "summary": "Free legal consultations, mental health care and a family safety plan.",
        "intro": "All Chicago residents, regardless of immigration status, can use "
        "City services. The task force makes sure that immigrants and refugees know "
        "their rights and the help that is there for them.",
        "news": "Free legal consultations",
        "news_text": "The City works with the National Immigrant Justice Center to "
        "offer free consultations and representation. Call to book an appointment.",
        "resource": "Free consultations and representation for immigrants and refugees.",
        "cta": "Come to the community meeting and bring a neighbour.",
        "label": "I will come",
    },
    "es": {
        "title": "Conozca sus derechos: ayuda legal gratuita en Chicago",
        "summary": "Consultas legales gratuitas, salud mental y un plan de seguridad familiar.",
        "intro": "Todos los residentes de Chicago, sin importar su estatus migratorio, "
        "pueden usar los servicios de la Ciudad. El grupo de trabajo se asegura de que "
        "inmigrantes y refugiados conozcan sus derechos y la ayuda disponible.",
        "news": "Consultas legales gratuitas",
        "news_text": "La Ciudad colabora con el National Immigrant Justice Center para "
        "ofrecer consultas y representación gratuitas. Llame para pedir una cita.",
        "resource": "Consultas y representación gratuitas para inmigrantes y refugiados.",
        "cta": "Venga a la reunión comunitaria y traiga a un vecino.",
        "label": "Voy a ir",
    },
    "hi": {
        "title": "अपने अधिकार जानें: शिकागो में मुफ़्त कानूनी सहायता",
        "summary": "मुफ़्त कानूनी परामर्श, मानसिक स्वास्थ्य सेवाएँ और परिवार की सुरक्षा योजना।",
        "intro": "शिकागो के सभी निवासी, आप्रवासन स्थिति की परवाह किए बिना, शहर की "
        "सेवाओं का उपयोग कर सकते हैं। टास्क फ़ोर्स यह सुनिश्चित करती है कि आप्रवासी और "
        "शरणार्थी अपने अधिकार और उपलब्ध सहायता जानें।",
        "news": "मुफ़्त कानूनी परामर्श",
        "news_text": "शहर नेशनल इमिग्रेंट जस्टिस सेंटर के साथ मिलकर मुफ़्त परामर्श और "
        "प्रतिनिधित्व देता है। समय लेने के लिए फ़ोन करें।",
        "resource": "आप्रवासियों और शरणार्थियों के लिए मुफ़्त परामर्श और प्रतिनिधित्व।",
        "cta": "सामुदायिक बैठक में आइए और अपने पड़ोसी को साथ लाइए।",
        "label": "मैं आऊँगा",
    },
    "zh-hans": {
        "title": "了解您的权利：芝加哥免费法律帮助",
        "summary": "免费法律咨询、心理健康服务和家庭安全计划。",
        "intro": "所有芝加哥居民，无论移民身份如何，都可以使用市政服务。"
        "工作组确保移民和难民了解自己的权利以及可以获得的帮助。",
        "news": "免费法律咨询",
        "news_text": "市政府与全国移民正义中心合作，提供免费咨询和代理。请致电预约。",
        "resource": "为移民和难民提供免费咨询和法律代理。",
        "cta": "欢迎参加社区会议，也请带上您的邻居。",
        "label": "我会参加",
    },
    "ar": {
        "title": "اعرف حقوقك: مساعدة قانونية مجانية في شيكاغو",
        "summary": "استشارات قانونية مجانية ورعاية للصحة النفسية وخطة أمان للأسرة.",
        "intro": "يمكن لجميع سكان شيكاغو، بغض النظر عن وضع الهجرة، استخدام خدمات "
        "المدينة. تتأكد فرقة العمل من أن المهاجرين واللاجئين يعرفون حقوقهم والمساعدة "
        "المتاحة لهم.",
        "news": "استشارات قانونية مجانية",
        "news_text": "تعمل المدينة مع المركز الوطني لعدالة المهاجرين لتقديم استشارات "
        "وتمثيل مجاني. اتصل لحجز موعد.",
        "resource": "استشارات وتمثيل قانوني مجاني للمهاجرين واللاجئين.",
        "cta": "تعال إلى الاجتماع المجتمعي واصطحب جارك.",
        "label": "سأحضر",
    },
    "pl": {
        "title": "Poznaj swoje prawa: bezpłatna pomoc prawna w Chicago",
        "summary": "Bezpłatne porady prawne, opieka psychologiczna i rodzinny plan bezpieczeństwa.",
        "intro": "Wszyscy mieszkańcy Chicago, niezależnie od statusu imigracyjnego, mogą "
        "korzystać z usług miasta. Grupa zadaniowa dba o to, by imigranci i uchodźcy "
        "znali swoje prawa i dostępną pomoc.",
        "news": "Bezpłatne porady prawne",
        "news_text": "Miasto współpracuje z National Immigrant Justice Center, oferując "
        "bezpłatne porady i reprezentację. Zadzwoń, aby umówić wizytę.",
        "resource": "Bezpłatne porady i reprezentacja dla imigrantów i uchodźców.",
        "cta": "Przyjdź na spotkanie społeczności i zabierz sąsiada.",
        "label": "Przyjdę",
    },
}


def bulletin_fields(language: str, event) -> dict:
    text = BULLETIN[language]
    body = [
        ("paragraph", f"<p>{text['intro']}</p>"),
        ("heading", {"text": text["news"], "level": "h2"}),
        (
            "news_item",
            {"title": text["news"], "summary": text["news_text"], "link": ""},
        ),
        (
            "resource",
            {
                "organisation": "National Immigrant Justice Center",
                "category": "legal",
                "phone": "312-660-1370",
                "web_address": "https://immigrantjustice.org/",
                "description": text["resource"],
            },
        ),
        (
            "call_to_action",
            {"text": text["cta"], "label": text["label"], "page": event.pk, "url": ""},
        ),
    ]
    return {"title": text["title"], "summary": text["summary"], "body": body}


def send_mailing(user, page, list_ids, **fields) -> None:
    """A mailing as the admin starts it, sent by this process (no worker needed)."""
    mailing = control.create_mailing(user=user, page=page, list_ids=list_ids, **fields)
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    starting.start_mailing(mailing_id=mailing.pk)
    while sending.send_batch(mailing_id=mailing.pk):
        pass


def as_relayed(raw: bytes, helo: str) -> bytes:
    """The message as the recipient's server gets it from our relay."""
    received = (
        f"Received: from {helo} ({helo} [{RELAY_IP}])\r\n"
        "\tby mx.recipient.example (Postfix) with ESMTPS id 4ZQ1vX0yRzz3\r\n"
        f"\tfor <reader@recipient.example>; {formatdate(localtime=False)}\r\n"
    )
    return received.encode() + raw


def scores(messages: list[bytes], folder) -> list[tuple[float, str]]:
    """(score, report) of each message, from one SpamAssassin run (its rules load
    once: most of its time)."""
    paths = []
    for number, message in enumerate(messages):
        path = folder / f"{number:02d}.eml"
        path.write_bytes(message)
        paths.append(str(path))
    result = subprocess.run(
        [*SPAMASSASSIN, *paths], capture_output=True, timeout=300, check=True
    )
    output = result.stdout.decode("utf-8", "replace")
    # One chunk per message, each starting with the headers SpamAssassin adds.
    chunks = re.split(r"^(?=X-Spam-Checker-Version:)", output, flags=re.M)[1:]
    assert len(chunks) == len(messages), output[-3000:]
    found = []
    for chunk in chunks:
        points = re.search(r"^X-Spam-Status: \w+, score=(-?\d+\.\d+)", chunk, re.M)
        details = chunk.find("Content analysis details")
        found.append((float(points.group(1)), chunk[details : details + 1500]))
    return found


@pytest.fixture
def sample(settings, smtp_sink, home_page):
    """Every kind of message we send, delivered to the relay: {label: raw bytes}."""
    settings.BASE_URL = settings.WAGTAILADMIN_BASE_URL = "https://ona.example.org"
    settings.DEFAULT_FROM_EMAIL = "Office of New Americans <news@ona.example.org>"
    settings.MESSAGE_ID_DOMAIN = "ona.example.org"
    settings.EMAIL_HELO_NAME = "mail.ona.example.org"
    settings.BOUNCE_ADDRESS = "bounces@ona.example.org"
    admin = SuperuserFactory(email="staff@ona.example.org")
    outreach, legal = lists(2)
    outreach.name, legal.name = "Community Outreach/Education", "Legal Protection"
    outreach.save()
    legal.save()
    for language in LANGUAGES:
        subscribe(f"reader-{language}@example.net", [outreach], language=language)

    event = build_event(
        title="Community meeting: know your rights",
        venue="Harold Washington Library Center",
        address="400 S State St, Chicago, IL 60605",
        rsvp_mode="internal",
        start=timezone.now() + timedelta(days=5),
    )
    bulletin = build_bulletin(**bulletin_fields("en", event))
    for language in LANGUAGES[1:]:
        fields = bulletin_fields(language, event)
        fields["body"] = stream(*fields["body"])
        translate_page(bulletin, language, **fields)
    labels = [f"bulletin ({language})" for language in LANGUAGES]
    send_mailing(admin, bulletin, [outreach.pk])

    alert = alerts.create_rally_alert(
        user=admin,
        title="Rally for immigrant families at Federal Plaza",
        what="Stand with families facing deportation. Bring water and a sign.",
        start=timezone.now() + timedelta(hours=5),
        venue="Federal Plaza",
        address="230 S Dearborn St, Chicago, IL 60604",
        message="We meet at 5 pm at Federal Plaza. Please come and share this.",
        list_ids=[legal.pk],
    )
    subscribe("organizer@example.net", [legal])
    Mailing.objects.filter(pk=alert.pk).update(status=Mailing.Status.STARTING)
    starting.start_mailing(mailing_id=alert.pk)
    while sending.send_batch(mailing_id=alert.pk):
        pass
    labels.append("alert")

    pending = subscribe("newcomer@example.net", [legal], status="pending")
    send_confirmation_email(
        subscriber=pending, list_ids=[legal.pk], page_id=None, language="es"
    )
    labels.append("signup confirmation")

    petition = build_petition_page(
        home_page, CampaignFactory(), require_verification=True
    )
    petitions.record_signature(
        page=petition, email="signer@example.net", language="en", name="Ana Ruiz"
    )
    from campaigns.models import Signature

    notifications.send_signature_verification(signature_id=Signature.objects.get().pk)
    labels.append("signature verification")

    rsvp = events.record_rsvp(
        event_id=event.pk, name="Omar Haddad", email="omar@example.net", language="ar"
    )
    events.send_rsvp_confirmation(rsvp_id=rsvp.pk)
    labels.append("RSVP confirmation")
    # A subject whose only Latin letters are capitals ("RSVP" beside Devanagari)
    # scored SUBJ_ALL_CAPS.
    translate_page(event, "hi", title="सामुदायिक बैठक: अपने अधिकार जानें")
    rsvp = events.record_rsvp(
        event_id=event.pk, name="Priya Sharma", email="priya@example.net", language="hi"
    )
    events.send_rsvp_confirmation(rsvp_id=rsvp.pk)
    labels.append("RSVP confirmation (hi)")

    assert len(smtp_sink.envelopes) == len(labels)
    by_language = {}
    for (_recipients, raw), label in zip(
        smtp_sink.envelopes[6:], labels[6:], strict=True
    ):
        by_language[label] = raw
    for recipients, raw in smtp_sink.envelopes[:6]:
        language = recipients[0].removeprefix("reader-").removesuffix("@example.net")
        by_language[f"bulletin ({language})"] = raw
    assert set(smtp_sink.helos) == {"mail.ona.example.org"}
    return by_language


def test_delivered_messages_score_as_ham(sample, tmp_path):
    relayed = {
        label: as_relayed(raw, "mail.ona.example.org") for label, raw in sample.items()
    }
    # The same relay hop with Django's default EHLO: the check can fail.
    control = as_relayed(sample["signup confirmation"], "localhost")
    *found, (control_score, control_report) = scores(
        [*relayed.values(), control], tmp_path
    )

    too_high = {
        label: report
        for label, (points, report) in zip(relayed, found, strict=True)
        if points > 0.0
    }
    assert not too_high, "\n\n".join(f"{k}:{v}" for k, v in too_high.items())
    assert len(found) == 11
    assert control_score > 0.0
    assert "HELO_LOCALHOST" in control_report

"""Send staff a test copy of a mailing, through the worker, in each language it will use."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from wagtail.users.models import UserProfile

from campaigns.mailings import identity, transport
from campaigns.mailings.models import Mailing
from campaigns.mailings.selectors import audience_size_by_language
from campaigns.mailings.services.starting import page_languages
from cms.languages import language_label
from cms.mail.services import marked_as_test


def languages_for_test_copies(mailing: Mailing) -> list[str]:
    """The languages a test copy of ``mailing`` goes out in, one message each: its
    readers' languages, else those of the page's translations, else the default."""
    readers = audience_size_by_language(
        list_ids=mailing.lists.values_list("pk", flat=True),
        languages=mailing.languages,
        zip_prefix=mailing.zip_prefix,
    )
    languages = sorted(readers) or sorted(page_languages(mailing.page.specific))
    return languages or [settings.LANGUAGE_CODE]


def send_test_mailing(*, mailing_id: int, user_id: int) -> int:
    """Render the mailing's page now, once per language its readers have (else once per
    translation), to the user's own address: exactly what each language group gets.

    Per-recipient links point at the site (a test copy belongs to no subscriber). Each
    copy has its own Message-ID and a subject naming its language in the staff member's
    admin language ("[Prueba] Español (Spanish): ...").
    Returns the number of messages sent. Safe to run twice.
    """
    from cms.email.rendering import reader_reason, render_email

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    mailing = Mailing.objects.select_related("page").get(pk=mailing_id)
    page = mailing.page.specific
    languages = languages_for_test_copies(mailing)
    # A test copy names all the mailing's lists, as a reader on all of them reads it.
    lists = list(mailing.lists.with_translations().order_by("name"))
    base = settings.WAGTAILADMIN_BASE_URL
    with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
        labels = {language: language_label(language) for language in languages}
    for language in languages:
        # No subscriber's links: the site's front page in the copy's language.
        home = base + ("/" if language == settings.LANGUAGE_CODE else f"/{language}/")
        recipient = transport.Recipient(
            delivery_id=0,
            email=user.email,
            name=user.first_name,
            unsubscribe_url=home,
            preferences_url=home,
            reason=reader_reason(lists, language),
        )
        rendered = render_email(page, language=language, base_url=base)
        envelope = transport.Envelope(
            mailing_id=mailing.pk,
            subject=marked_as_test(
                rendered.subject, language=language, label=labels[language]
            ),
            html=rendered.html,
            text=rendered.text,
            list_id=identity.list_id_for(mailing),
            track_opens=False,
            track_clicks=False,
            language=language,
            content_language=rendered.content_language,
        )
        transport.send_single(envelope, [recipient])
    return len(languages)

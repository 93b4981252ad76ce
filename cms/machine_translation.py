"""Machine-translation drafts through wagtail-localize's machine-translator interface.

The translator is the one ``WAGTAILLOCALIZE_MACHINE_TRANSLATOR`` names (a self-hosted
LibreTranslate keeps the text in the office; DeepL is the other choice), so the alert
screen and the localize editor use the same service. A draft is marked as machine-made
(``MachineDraft`` for pages written here, wagtail-localize's own string marks for pages
translated in its editor) until a person edits it.
"""

import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from wagtail.models import Locale

logger = logging.getLogger(__name__)


class MachineTranslationError(Exception):
    """No translator is configured, or it did not answer; the message says which."""


@dataclass(frozen=True)
class Drafted:
    tool_name: str
    texts: dict[str, dict[str, str]]  # language -> field -> text
    skipped: list[str]  # languages the translator cannot do


def get_translator():
    """The configured machine translator, or None when there is none."""
    from wagtail_localize.machine_translators import get_machine_translator

    return get_machine_translator()


def translator_name() -> str:
    translator = get_translator()
    return translator.display_name if translator is not None else ""


def draft_translations(
    *, texts: dict[str, str], source_language: str, languages: list[str]
) -> Drafted:
    """Machine drafts of ``texts`` (field -> plain text) in each of ``languages``.

    One call to the translator per language; line breaks survive. Raises
    MachineTranslationError when no translator is configured or it fails.
    """
    from wagtail_localize.strings import StringValue

    translator = get_translator()
    if translator is None:
        raise MachineTranslationError(_("No machine translator is configured."))
    source = Locale.objects.get(language_code=source_language)
    fields = [name for name, text in texts.items() if text.strip()]
    values = [StringValue.from_plaintext(texts[name].strip()) for name in fields]
    drafted: dict[str, dict[str, str]] = {}
    skipped = []
    for language in languages:
        target = Locale.objects.filter(language_code=language).first()
        if target is None or not translator.can_translate(source, target):
            skipped.append(language)
            continue
        try:
            result = translator.translate(source, target, values)
            drafted[language] = {
                name: result[value].render_text().strip()
                for name, value in zip(fields, values, strict=True)
            }
        except Exception as error:
            # The text may be personal (a venue, a name): log the error type only.
            logger.warning(
                "machine translation to %s failed: %s", language, type(error).__name__
            )
            raise MachineTranslationError(
                _("%(tool)s did not answer. Try again, or write the translations.")
                % {"tool": translator.display_name}
            ) from error
    return Drafted(tool_name=translator.display_name, texts=drafted, skipped=skipped)


def mark_machine_drafted(page, *, tool_name: str, tell_readers: bool = True) -> None:
    """Record that a machine wrote this page's text (its translation in its locale)."""
    from cms.models import MachineDraft

    MachineDraft.objects.update_or_create(
        page_id=page.pk,
        defaults={"tool_name": tool_name[:100], "tell_readers": tell_readers},
    )


def clear_machine_draft(page) -> None:
    """A person edited the page: it is no longer a machine draft."""
    from cms.models import MachineDraft

    MachineDraft.objects.filter(page_id=page.pk).delete()


# Labels that say "a machine" without naming one: the demo's drafts
# (demo_translations.MACHINE_TOOL) and a localize mark with no tool. In a note to readers
# they would only repeat the note, and in English: readers get the note without a name.
UNNAMED_TOOL_LABELS = frozenset({"", "machine draft", "machine translation"})


@dataclass(frozen=True)
class MachineMark:
    tool_name: str  # for staff: what made the draft
    tell_readers: bool
    named: bool = True  # False: tool_name is our own word for "a machine"

    @property
    def tool_for_readers(self) -> str:
        """The translator's name for the note to readers, or "" when the label names
        no translator."""
        if not self.named or self.tool_name.strip().casefold() in UNNAMED_TOOL_LABELS:
            return ""
        return self.tool_name


def machine_mark(page) -> MachineMark | None:
    """How this page's text was machine-made, if it was and no person has edited it."""
    from wagtail_localize.models import StringTranslation

    from cms.models import MachineDraft

    draft = MachineDraft.objects.filter(page_id=page.pk).first()
    if draft is not None:
        return MachineMark(tool_name=draft.tool_name, tell_readers=draft.tell_readers)
    tool = (
        StringTranslation.objects.filter(
            locale_id=page.locale_id,
            context__object_id=page.translation_key,
            translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
        )
        .values_list("tool_name", flat=True)
        .first()
    )
    if tool is None:
        return None
    return MachineMark(
        tool_name=tool or _("machine translation"), tell_readers=True, named=bool(tool)
    )

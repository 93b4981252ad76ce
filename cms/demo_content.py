"""Demo bulletins from the seeds: the Feb 2017 bulletin (English and Spanish) and the
ONA resource flyer (English, with machine-drafted Arabic, Hindi, Chinese and Polish
translations, marked as such), plus the seed events. Idempotent: a second run adds no
revisions."""

import datetime

from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import Collection, Locale

from cms.demo_translations import FLYER_EN, FLYER_TRANSLATIONS, MACHINE_TOOL
from cms.languages import languages_with, parent_translated
from cms.machine_translation import mark_machine_drafted
from cms.models import BulletinIndexPage, BulletinPage
from events import demo as events_demo

INDEX_TITLES = {
    "en": "Bulletins",
    "es": "Boletines",
    "hi": "बुलेटिन",
    "zh-hans": "公告",
    "ar": "النشرات",
    "pl": "Biuletyny",
}


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing one line of text (demo flyers, no PDF library)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({safe}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_document(title: str, text: str) -> Document:
    document = Document.objects.filter(title=title).first()
    if document is None:
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        document = Document(title=title, collection=root)
        slug = title.lower().replace(" ", "-")[:60]
        document.file.save(f"{slug}.pdf", ContentFile(tiny_pdf(text)), save=False)
        # As an upload through the admin sets them: without its hash a document is
        # served with `ETag: ""`, which any `If-None-Match: ""` matches (a 304).
        document._set_document_file_metadata()
        document.save()
    return document


def _publish(page, fields: dict) -> None:
    """Publish only when a field differs; bodies compare by their stored JSON."""

    def differs(name, value):
        if name == "body":
            return getattr(page, name).get_prep_value() != value
        return getattr(page, name) != value

    if page.live and page.latest_revision_id and not page.has_unpublished_changes:
        if not any(differs(name, value) for name, value in fields.items()):
            return
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def _blocks(*items) -> list[dict]:
    """Stream JSON with fixed ids, so reruns compare equal and publish nothing."""
    return [
        {"type": kind, "value": value, "id": f"{ident}"} for ident, kind, value in items
    ]


def _files(*pairs) -> list[dict]:
    return [
        {
            "type": "item",
            "id": f"file-{lang}",
            "value": {"language": lang, "document": doc},
        }
        for lang, doc in pairs
    ]


def february_2017_body(language: str, events: dict, docs: dict) -> list[dict]:
    es = language == "es"
    flyer = _files(("en", docs["flyer-en"]), ("es", docs["flyer-es"]))
    resolution = _files(("en", docs["resolution-en"]), ("es", docs["resolution-es"]))
    chosen = [events[slug].pk for slug in events]
    text = FEB_ES if es else FEB_EN
    return _blocks(
        ("intro", "paragraph", text["intro"]),
        ("h-news", "heading", {"text": text["news"], "level": "h2"}),
        (
            "health",
            "news_item",
            {"title": text["health_title"], "summary": text["health"], "link": ""},
        ),
        (
            "resolution",
            "document",
            {"title": text["resolution_title"], "description": "", "files": resolution},
        ),
        (
            "ban",
            "news_item",
            {
                "title": text["ban_title"],
                "summary": text["ban"],
                "link": "https://immigrantjustice.org/",
            },
        ),
        (
            "safety",
            "news_item",
            {
                "title": text["safety_title"],
                "summary": text["safety"],
                "link": "https://immigrantjustice.org/",
            },
        ),
        (
            "nijc",
            "resource",
            {
                "organisation": "National Immigrant Justice Center",
                "category": "legal",
                "phone": "312-660-1370",
                "web_address": "https://www.immigrantjustice.org/",
                "description": text["nijc"],
            },
        ),
        (
            "flyer",
            "document",
            {
                "title": text["flyer_title"],
                "description": text["flyer"],
                "files": flyer,
            },
        ),
        (
            "senators",
            "call_to_action",
            {
                "text": text["senators"],
                "label": text["senators_label"],
                "page": None,
                "url": "tel:+12022243121",
            },
        ),
        ("h-events", "heading", {"text": text["events"], "level": "h2"}),
        (
            "events",
            "event_listing",
            {"title": "", "events": chosen, "kinds": [], "limit": 5},
        ),
        (
            "mayor",
            "quote",
            {"quote": text["mayor"], "attribution": "Mayor Rahm Emanuel"},
        ),
        ("rule", "divider", None),
        ("involved", "paragraph", text["involved"]),
    )


FEB_EN = {
    "intro": "<p>The Office of New Americans (ONA) works to ensure that Chicago is a "
    "welcoming city for immigrants. Here are some events and opportunities for "
    "immigrants. Please see and share the attached information in English and "
    "Spanish.</p>",
    "news": "Important resources and news for immigrants",
    "health_title": "Chicago Board of Health supports immigrant rights",
    "health": "The Chicago Board of Health passed a resolution calling on all medical "
    "and healthcare providers in Chicago to adopt policies and procedures to actively "
    "protect immigrants.",
    "resolution_title": "Board of Health resolution on the rights of immigrants",
    "ban_title": "Refugee ban remains blocked",
    "ban": "The Ninth Circuit Court of Appeals upheld the temporary restraining order "
    "preventing the administration from applying its executive order banning refugees "
    "and citizens of seven predominantly Muslim countries.",
    "safety_title": "Know your safety plan",
    "safety": "Prepare a safety plan in case you or loved ones are caught up in "
    "immigration enforcement actions. Share this information about your rights.",
    "nijc": "Free legal consultations. If you have questions about an immigration "
    "matter, a legal screening can show whether you qualify for relief.",
    "flyer_title": "City resources for immigrants and refugees",
    "flyer": "Available in English, Spanish, Hindi, Mandarin, Arabic and Polish.",
    "senators": "Voice your support for immigrants: call your Senators and House "
    "representative through the U.S. Capitol switchboard.",
    "senators_label": "Call (202) 224-3121",
    "events": "Upcoming events",
    "mayor": "Today I want to be very clear. The City of Chicago is here for you. We are "
    "going to ensure Chicago is a safe, secure, and supportive city for all our residents.",
    "involved": "<p>The “Chicago Is With You” Task Force has four subcommittees: "
    "Legal Protection/Services, Community Outreach/Education, Mental Health/Well-being "
    "and Employer Communications/Diversity Training. Sign up for one or more lists to "
    "receive updates and opportunities to help.</p>",
}

FEB_ES = {
    "intro": "<p>La Oficina de Nuevos Estadounidenses (ONA) trabaja para que Chicago sea "
    "una ciudad acogedora para los inmigrantes. Estos son algunos eventos y "
    "oportunidades para inmigrantes. Consulte y comparta la información adjunta en "
    "inglés y en español.</p>",
    "news": "Recursos y noticias importantes para inmigrantes",
    "health_title": "La Junta de Salud de Chicago apoya los derechos de los inmigrantes",
    "health": "La Junta de Salud de Chicago aprobó una resolución que pide a todos los "
    "proveedores médicos y de salud de Chicago adoptar políticas y procedimientos para "
    "proteger activamente a los inmigrantes.",
    "resolution_title": "Resolución de la Junta de Salud sobre los derechos de los "
    "inmigrantes",
    "ban_title": "La prohibición de refugiados sigue bloqueada",
    "ban": "La Corte de Apelaciones del Noveno Circuito mantuvo la orden de restricción "
    "temporal que impide aplicar la orden ejecutiva que prohíbe la entrada de refugiados "
    "y de ciudadanos de siete países de mayoría musulmana.",
    "safety_title": "Conozca su plan de seguridad",
    "safety": "Prepare un plan de seguridad por si usted o sus seres queridos se ven "
    "afectados por operativos migratorios. Comparta esta información sobre sus derechos.",
    "nijc": "Consultas legales gratuitas. Si tiene preguntas sobre un asunto migratorio, "
    "una evaluación legal puede mostrar si usted califica para algún alivio.",
    "flyer_title": "Recursos de la Ciudad para inmigrantes y refugiados",
    "flyer": "Disponible en inglés, español, hindi, mandarín, árabe y polaco.",
    "senators": "Exprese su apoyo a los inmigrantes: llame a sus senadores y a su "
    "representante a través de la central telefónica del Capitolio.",
    "senators_label": "Llame al (202) 224-3121",
    "events": "Próximos eventos",
    "mayor": "Hoy quiero ser muy claro. La Ciudad de Chicago está aquí para ustedes. "
    "Vamos a asegurar que Chicago sea una ciudad segura y solidaria para todos sus "
    "residentes.",
    "involved": "<p>El Grupo de Trabajo “Chicago está contigo” tiene cuatro "
    "subcomités: Protección y Servicios Legales, Alcance y Educación Comunitaria, Salud "
    "Mental y Bienestar, y Comunicación con Empleadores y Capacitación en Diversidad. "
    "Inscríbase en una o más listas para recibir novedades y oportunidades de ayudar.</p>",
}


def flyer_body(text: dict | None = None) -> list[dict]:
    """The resources flyer's body in one language (``text``: FLYER_EN or a translation)."""
    text = text or FLYER_EN

    def resource(ident, organisation, category, phone, web):
        return (
            ident,
            "resource",
            {
                "organisation": organisation,
                "category": category,
                "phone": phone,
                "web_address": web,
                "description": text[ident],
            },
        )

    def heading(ident):
        return (ident, "heading", {"text": text[ident], "level": "h2"})

    return _blocks(
        (
            "mayor",
            "quote",
            {"quote": text["quote"], "attribution": "Mayor Rahm Emanuel"},
        ),
        ("intro", "paragraph", text["intro"]),
        heading("h-legal"),
        resource(
            "nijc",
            "Heartland Alliance's National Immigrant Justice Center",
            "legal",
            "312-660-1370",
            "https://www.immigrantjustice.org/",
        ),
        heading("h-rights"),
        resource(
            "trp",
            "The Resurrection Project",
            "rights",
            "312-666-3062",
            "https://www.resurrectionproject.org/",
        ),
        heading("h-health"),
        resource(
            "lurie",
            "Lurie Children's Hospital",
            "health",
            "",
            "https://www.luriechildrens.org/youarenotalone",
        ),
        resource(
            "sass",
            "Illinois Screening, Assessment and Support Services Program",
            "health",
            "1-800-345-9049",
            "",
        ),
        resource(
            "cdph", "Chicago Department of Public Health", "health", "312-744-1906", ""
        ),
        heading("h-safety"),
        ("police", "paragraph", text["police"]),
        resource(
            "cchr",
            "Chicago Commission on Human Relations",
            "safety",
            "312-744-4874",
            "https://www.cityofchicago.org/cchr",
        ),
        heading("h-id"),
        ("id", "paragraph", text["id"]),
        (
            "more",
            "call_to_action",
            {
                "text": text["more"],
                "label": text["more-label"],
                "page": None,
                "url": "https://www.cityofchicago.org/newamericans",
            },
        ),
    )


def load_bulletin_index(home, *, update: bool = True) -> BulletinIndexPage:
    """The bulletin index in every language; without ``update`` (``setup_site``) pages
    that exist keep what staff wrote."""
    english = Locale.objects.get(language_code="en")
    index = BulletinIndexPage.objects.filter(locale=english).first()
    created = index is None
    if created:
        index = home.add_child(
            instance=BulletinIndexPage(title=INDEX_TITLES["en"], slug="bulletins")
        )
    if created or update:
        _publish(index, {"title": INDEX_TITLES["en"]})
    for code in languages_with(INDEX_TITLES):
        title = INDEX_TITLES[code]
        locale = Locale.objects.get(language_code=code)
        translation = index.get_translation_or_none(locale)
        if translation is None:
            if not parent_translated(index, locale):
                continue
            translation = index.copy_for_translation(locale)
        elif not update:
            continue
        _publish(translation.specific, {"title": title})
    return index


def _bulletin(index, slug: str, fields: dict) -> BulletinPage:
    page = BulletinPage.objects.child_of(index).filter(slug=slug).first()
    if page is None:
        page = index.add_child(instance=BulletinPage(slug=slug, **fields))
    _publish(page, fields)
    return page


def load_pages() -> None:
    """Bulletin and event pages of the demo site; needs the home pages and lists."""
    from cms.models import HomePage

    home = HomePage.objects.get(locale__language_code="en")
    events = events_demo.load_events(home)
    index = load_bulletin_index(home)
    docs = {
        "flyer-en": demo_document(
            "Resources flyer (English)", "Resources for Chicago immigrants and refugees"
        ).pk,
        "flyer-es": demo_document(
            "Resources flyer (Spanish)",
            "Recursos para inmigrantes y refugiados en Chicago",
        ).pk,
        "resolution-en": demo_document(
            "Board of Health resolution (English)", "Chicago Board of Health resolution"
        ).pk,
        "resolution-es": demo_document(
            "Board of Health resolution (Spanish)", "Resolucion de la Junta de Salud"
        ).pk,
    }
    february = _bulletin(
        index,
        "february-2017",
        {
            "title": "Important resources and news for immigrants",
            "date": datetime.date(2017, 2, 10),
            "summary": "Refugee ban remains blocked, the Board of Health stands with "
            "immigrants, and the events on your calendar.",
            "body": february_2017_body("en", events, docs),
        },
    )
    spanish = Locale.objects.get(language_code="es")
    translation = february.get_translation_or_none(
        spanish
    ) or february.copy_for_translation(spanish)
    _publish(
        translation.specific,
        {
            "title": "Recursos y noticias importantes para inmigrantes",
            "summary": "La prohibición de refugiados sigue bloqueada, la Junta de Salud "
            "apoya a los inmigrantes y los eventos de su calendario.",
            "body": february_2017_body("es", events, docs),
        },
    )
    flyer = _bulletin(
        index,
        "resources-for-immigrants-and-refugees",
        {
            "title": FLYER_EN["title"],
            "date": datetime.date(2017, 1, 30),
            "summary": FLYER_EN["summary"],
            "body": flyer_body(),
        },
    )
    for language, text in FLYER_TRANSLATIONS.items():
        translation = load_translation(
            flyer,
            language,
            {
                "title": text["title"],
                "summary": text["summary"],
                "body": flyer_body(text),
            },
        )
        mark_machine_drafted(translation, tool_name=MACHINE_TOOL)


def load_translation(page, language: str, fields: dict):
    """Publish ``page``'s translation in ``language`` with ``fields``; idempotent."""
    locale = Locale.objects.get(language_code=language)
    translation = page.get_translation_or_none(locale) or page.copy_for_translation(
        locale, copy_parents=True
    )
    translation = translation.specific
    _publish(translation, fields)
    return translation

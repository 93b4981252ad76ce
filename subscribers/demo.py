"""Demo lists and subscribers, from the four task-force subcommittees of the seed bulletins."""

import unicodedata

from django.utils import timezone

from .models import (
    MailingList,
    MailingListTranslation,
    SignupPage,
    Subscriber,
    Subscription,
)

TASK_FORCE_LISTS = [
    {
        "slug": "legal-protection",
        "name": "Legal Protection/Services",
        "lead_organisation": "National Immigrant Justice Center",
        "description": "Free legal consultations, Know Your Rights sessions and updates on "
        "court cases that affect immigrants and refugees.",
    },
    {
        "slug": "community-outreach",
        "name": "Community Outreach/Education",
        "lead_organisation": "The Resurrection Project",
        "description": "Educational materials, trainings and community events.",
    },
    {
        "slug": "mental-health",
        "name": "Mental Health/Well-being",
        "lead_organisation": "Lurie Children's Hospital",
        "description": "Mental health care and well-being services for the immigrant community.",
    },
    {
        "slug": "employer-communications",
        "name": "Employer Communications/Diversity Training",
        "lead_organisation": "Illinois Business Immigration Coalition",
        "description": "Guidance for employers and diversity training.",
    },
]

# (name, language, ZIP); addresses are made from the name on example.org.
DEMO_PEOPLE = [
    ("Ana Morales", "es", "60608"),
    ("Luis Hernández", "es", "60623"),
    ("Carmen Ruiz", "es", "60632"),
    ("Jorge Castillo", "es", "60629"),
    ("Rosa Delgado", "es", "60609"),
    ("Miguel Ortega", "es", "60647"),
    ("Priya Patel", "hi", "60659"),
    ("Rahul Sharma", "hi", "60645"),
    ("Anjali Gupta", "hi", "60660"),
    ("Vikram Singh", "hi", "60626"),
    ("Meera Iyer", "hi", "60640"),
    ("Arjun Reddy", "hi", "60618"),
    ("Li Wei", "zh-hans", "60616"),
    ("Zhang Min", "zh-hans", "60608"),
    ("Wang Fang", "zh-hans", "60609"),
    ("Chen Jie", "zh-hans", "60616"),
    ("Liu Yang", "zh-hans", "60632"),
    ("Huang Lei", "zh-hans", "60657"),
    ("Fatima Haddad", "ar", "60659"),
    ("Omar Khalil", "ar", "60645"),
    ("Layla Nasser", "ar", "60625"),
    ("Yusuf Mansour", "ar", "60629"),
    ("Mariam Saleh", "ar", "60638"),
    ("Karim Aziz", "ar", "60652"),
    ("Katarzyna Nowak", "pl", "60634"),
    ("Piotr Kowalski", "pl", "60641"),
    ("Agnieszka Wiśniewska", "pl", "60630"),
    ("Tomasz Wójcik", "pl", "60656"),
    ("Magdalena Lewandowska", "pl", "60631"),
    ("Krzysztof Zieliński", "pl", "60706"),
    ("Grace Johnson", "en", "60614"),
    ("Daniel Okafor", "en", "60615"),
    ("Sarah Kim", "en", "60657"),
    ("Michael Brown", "en", "60622"),
    ("Emily Nguyen", "en", "60640"),
    ("David Cohen", "en", "60613"),
]


def demo_email(name: str) -> str:
    # Marks taken off the letters they sit on ("hernández" -> "hernandez"); dropping
    # the whole letter made "luis.hernndez@example.org".
    bare = unicodedata.normalize("NFKD", name.lower())
    ascii_name = bare.encode("ascii", "ignore").decode()
    return ".".join(ascii_name.split()) + "@example.org"


# (name, description) of each list in the other five languages.
LIST_TRANSLATIONS = {
    "legal-protection": {
        "es": (
            "Protección y Servicios Legales",
            "Consultas legales gratuitas, sesiones Conozca sus derechos y novedades "
            "sobre casos judiciales que afectan a inmigrantes y refugiados.",
        ),
        "hi": (
            "कानूनी सुरक्षा/सेवाएँ",
            "निःशुल्क कानूनी परामर्श, अपने अधिकार जानें सत्र और आप्रवासियों व "
            "शरणार्थियों को प्रभावित करने वाले अदालती मामलों की जानकारी।",
        ),
        "zh-hans": (
            "法律保护/服务",
            "免费法律咨询、“了解您的权利”讲座，以及影响移民和难民的法庭案件的最新消息。",
        ),
        "ar": (
            "الحماية والخدمات القانونية",
            "استشارات قانونية مجانية، وجلسات «اعرف حقوقك»، ومستجدات القضايا التي تمس "
            "المهاجرين واللاجئين.",
        ),
        "pl": (
            "Ochrona prawna/usługi prawne",
            "Bezpłatne konsultacje prawne, spotkania „Poznaj swoje prawa” i informacje "
            "o sprawach sądowych dotyczących imigrantów i uchodźców.",
        ),
    },
    "community-outreach": {
        "es": (
            "Alcance y Educación Comunitaria",
            "Materiales educativos, capacitaciones y eventos comunitarios.",
        ),
        "hi": ("सामुदायिक संपर्क/शिक्षा", "शैक्षिक सामग्री, प्रशिक्षण और सामुदायिक कार्यक्रम।"),
        "zh-hans": ("社区外展/教育", "教育材料、培训和社区活动。"),
        "ar": (
            "التواصل المجتمعي والتثقيف",
            "مواد تعليمية ودورات تدريبية وفعاليات مجتمعية.",
        ),
        "pl": (
            "Działania w społeczności/edukacja",
            "Materiały edukacyjne, szkolenia i wydarzenia społeczne.",
        ),
    },
    "mental-health": {
        "es": (
            "Salud Mental y Bienestar",
            "Atención de salud mental y servicios de bienestar para la comunidad "
            "inmigrante.",
        ),
        "hi": (
            "मानसिक स्वास्थ्य/कल्याण",
            "आप्रवासी समुदाय के लिए मानसिक स्वास्थ्य देखभाल और कल्याण सेवाएँ।",
        ),
        "zh-hans": ("心理健康/福祉", "为移民社区提供心理健康和福祉服务。"),
        "ar": (
            "الصحة النفسية والرفاه",
            "خدمات الرعاية الصحية النفسية والرفاه لمجتمع المهاجرين.",
        ),
        "pl": (
            "Zdrowie psychiczne/dobrostan",
            "Opieka psychologiczna i usługi wspierające dobrostan społeczności "
            "imigrantów.",
        ),
    },
    "employer-communications": {
        "es": (
            "Comunicación con Empleadores y Capacitación en Diversidad",
            "Orientación para empleadores y capacitación en diversidad.",
        ),
        "hi": (
            "नियोक्ता संचार/विविधता प्रशिक्षण",
            "नियोक्ताओं के लिए मार्गदर्शन और विविधता प्रशिक्षण।",
        ),
        "zh-hans": ("雇主沟通/多元化培训", "为雇主提供指导和多元化培训。"),
        "ar": (
            "التواصل مع أصحاب العمل والتدريب على التنوع",
            "إرشادات لأصحاب العمل وتدريب على التنوع.",
        ),
        "pl": (
            "Komunikacja z pracodawcami/szkolenia z różnorodności",
            "Wskazówki dla pracodawców i szkolenia z różnorodności.",
        ),
    },
}


def demo_list(slug: str) -> MailingList | None:
    """The task-force list ``slug`` stands for: the list with that slug, or else the one
    with its name (staff may have made it in the admin under a slug of their own)."""
    spec = next(spec for spec in TASK_FORCE_LISTS if spec["slug"] == slug)
    return (
        MailingList.objects.filter(slug=slug).first()
        or MailingList.objects.filter(name=spec["name"]).first()
    )


def load_lists(
    *, update: bool = True, create: bool = True, lead_organisations: bool = True
) -> list[MailingList]:
    """The four task-force lists, named in all six languages; idempotent.

    A list is found by its slug or its name. Without ``update`` (``setup_site``) a list
    that exists is left as staff keep it; only missing lists, and names in a language
    it has none in (one added to LANGUAGES since), are made. Without ``create`` (a
    ``setup_site`` after the first) a missing list is not made again: staff deleted it
    (another city has task forces of its own). Without ``lead_organisations``
    (``setup_site``) a list made is led by no one: the demo's leads are Chicago's."""
    lists = []
    for spec in TASK_FORCE_LISTS:
        mailing_list = demo_list(spec["slug"])
        if mailing_list is None and not create:
            continue
        if mailing_list is not None and not update:
            _add_missing_names(mailing_list, LIST_TRANSLATIONS[spec["slug"]])
            lists.append(mailing_list)
            continue
        fields = {k: v for k, v in spec.items() if k != "slug"}
        if not lead_organisations:
            fields["lead_organisation"] = ""
        if mailing_list is None:
            mailing_list = MailingList.objects.create(slug=spec["slug"], **fields)
        else:
            # Names are unique: one held by another list stays with it.
            taken = MailingList.objects.filter(name=spec["name"]).exclude(
                pk=mailing_list.pk
            )
            if taken.exists():
                del fields["name"]
            for name, value in fields.items():
                setattr(mailing_list, name, value)
            mailing_list.save()
        for language, (name, description) in LIST_TRANSLATIONS[spec["slug"]].items():
            MailingListTranslation.objects.update_or_create(
                mailing_list=mailing_list,
                language=language,
                defaults={"name": name, "description": description},
            )
        lists.append(mailing_list)
    return lists


def _add_missing_names(mailing_list: MailingList, names: dict) -> None:
    from cms.languages import languages_with

    for language in languages_with(names):
        name, description = names[language]
        MailingListTranslation.objects.get_or_create(
            mailing_list=mailing_list,
            language=language,
            defaults={"name": name, "description": description},
        )


def load_subscribers(lists: list[MailingList]) -> int:
    """Each demo person on one to three lists, mostly confirmed; idempotent."""
    consent = timezone.now().replace(microsecond=0)
    for index, (name, language, zip_code) in enumerate(DEMO_PEOPLE):
        email = demo_email(name)
        subscriber = Subscriber.objects.with_email(email).first()
        if subscriber is None:
            subscriber = Subscriber.for_email(email)
        subscriber.name, subscriber.language, subscriber.zip_code = (
            name,
            language,
            zip_code,
        )
        subscriber.save()
        chosen = [lists[index % 4]] + ([lists[(index + 1) % 4]] if index % 2 else [])
        if index % 5 == 0:
            chosen.append(lists[(index + 2) % 4])
        status = (
            Subscription.Status.PENDING
            if index % 9 == 8
            else Subscription.Status.CONFIRMED
        )
        for mailing_list in chosen:
            Subscription.objects.get_or_create(
                subscriber=subscriber,
                mailing_list=mailing_list,
                defaults={
                    "status": status,
                    "source": Subscription.Source.DEMO,
                    "consented_at": consent
                    if status == Subscription.Status.CONFIRMED
                    else None,
                },
            )
    return len(DEMO_PEOPLE)


SIGNUP_TITLES = {
    "en": "Join our lists",
    "es": "Únase a nuestras listas",
    "hi": "हमारी सूचियों से जुड़ें",
    "zh-hans": "加入我们的邮件列表",
    "ar": "انضم إلى قوائمنا",
    "pl": "Dołącz do naszych list",
}
SIGNUP_INTROS = {
    "en": "Choose the task-force lists you want to hear from, in your language.",
    "es": "Elija las listas del grupo de trabajo de las que quiere recibir noticias, "
    "en su idioma.",
    "hi": "वे टास्क फ़ोर्स सूचियाँ चुनें जिनसे आप अपनी भाषा में जानकारी पाना चाहते हैं।",
    "zh-hans": "选择您想用自己的语言接收消息的工作组列表。",
    "ar": "اختر قوائم فرقة العمل التي تريد تلقي أخبارها بلغتك.",
    "pl": "Wybierz listy grupy zadaniowej, z których chcesz otrzymywać wiadomości "
    "w swoim języku.",
}


def load_signup_page(home, *, update: bool = True) -> SignupPage:
    """A signup page under the home page, translated into every locale; idempotent.

    Without ``update`` (``setup_site``) pages that exist keep what staff wrote."""
    from wagtail.models import Locale

    from cms.demo import publish_if_changed
    from cms.languages import languages_with, parent_translated

    page = SignupPage.objects.child_of(home).filter(slug="join").first()
    created = page is None
    if created:
        page = home.add_child(
            instance=SignupPage(title=SIGNUP_TITLES["en"], slug="join")
        )
    if created or update:
        publish_if_changed(
            page, title=SIGNUP_TITLES["en"], intro=f"<p>{SIGNUP_INTROS['en']}</p>"
        )
    for code in languages_with(SIGNUP_TITLES, SIGNUP_INTROS):
        title = SIGNUP_TITLES[code]
        locale = Locale.objects.get(language_code=code)
        translation = page.get_translation_or_none(locale)
        if translation is None:
            if not parent_translated(page, locale):
                continue
            translation = page.copy_for_translation(locale)
        elif not update:
            continue
        publish_if_changed(
            translation.specific, title=title, intro=f"<p>{SIGNUP_INTROS[code]}</p>"
        )
    return page

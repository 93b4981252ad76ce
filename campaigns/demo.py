"""Demo petition from ../shared/seeds/003: "Hate has no place in Chicago".

Its five historical milestones keep the seed's times, and ~520 demo signatures are
spread so that the 10th, 25th, 50th, 100th and 500th land exactly on them.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission
from wagtail.models import Locale

from campaigns.models import Campaign, Counter, Milestone, PetitionPage, Signature
from cms.demo import ORGANIZERS_GROUP, STAFF_GROUP, publish_if_changed
from cms.models import HomePage
from subscribers import crypto
from subscribers.demo import demo_list
from subscribers.models import MailingList

SEED_TZ = ZoneInfo("America/New_York")  # the seed's times carry -04:00
SIGNATURES = 520
MILESTONES = {
    10: datetime(2024, 5, 3, 13, 18, 58, tzinfo=SEED_TZ),
    25: datetime(2024, 5, 3, 13, 28, 25, tzinfo=SEED_TZ),
    50: datetime(2024, 5, 3, 13, 42, 50, tzinfo=SEED_TZ),
    100: datetime(2024, 5, 3, 16, 27, 24, tzinfo=SEED_TZ),
    500: datetime(2024, 5, 8, 21, 33, 13, tzinfo=SEED_TZ),
}
# (nth signature, time) anchors the demo signatures are interpolated between.
ANCHORS = [
    (1, datetime(2024, 5, 3, 13, 5, 0, tzinfo=SEED_TZ)),
    *sorted(MILESTONES.items()),
    (SIGNATURES, datetime(2024, 5, 10, 18, 0, 0, tzinfo=SEED_TZ)),
]

SLUG = "hate-has-no-place-in-chicago"
TARGET = "Chicago neighbors, leaders, and elected officials"
WHY = (
    "<p>Chicago has a proud immigrant and refugee history and strong immigrant roots "
    "that persist today. We have been a welcoming and supportive city for immigrants "
    "long before we officially became a welcoming city in 1985.</p>"
    "<p>But a few opportunistic politicians are trying to stoke hate and fear in our "
    "communities in order to divide us. These efforts are part of a larger, nationwide "
    "attack on immigrant communities, and they have no place in Chicago.</p>"
    "<p>Immigrants make up nearly 20% of the population of Chicago, and 1 in 3 children "
    "in the city have at least one immigrant parent. Chicago welcomes our immigrant and "
    "refugee neighbors, and we refuse to be divided.</p>"
)
WHY_TRANSLATED = {
    "es": "<p>Chicago tiene una orgullosa historia de inmigrantes y refugiados, y raíces "
    "inmigrantes que siguen vivas hoy. Fuimos una ciudad acogedora mucho antes de "
    "convertirnos oficialmente en ciudad santuario en 1985.</p><p>Pero algunos "
    "políticos oportunistas intentan sembrar odio y miedo en nuestras comunidades para "
    "dividirnos. Estos ataques contra las comunidades inmigrantes no tienen lugar en "
    "Chicago.</p><p>Casi el 20% de la población de Chicago es inmigrante, y 1 de cada 3 "
    "niños de la ciudad tiene al menos un padre o una madre inmigrante. Chicago acoge a "
    "sus vecinos inmigrantes y refugiados, y no nos dejaremos dividir.</p>",
    "hi": "<p>शिकागो का आप्रवासियों और शरणार्थियों के स्वागत का गौरवशाली इतिहास है, और "
    "इसकी आप्रवासी जड़ें आज भी मज़बूत हैं। 1985 में आधिकारिक रूप से स्वागत करने वाला शहर "
    "बनने से बहुत पहले से हम आप्रवासियों का साथ देते आए हैं।</p><p>लेकिन कुछ अवसरवादी नेता "
    "हमें बाँटने के लिए हमारे समुदायों में नफ़रत और डर फैलाने की कोशिश कर रहे हैं। आप्रवासी "
    "समुदायों पर ऐसे हमलों की शिकागो में कोई जगह नहीं है।</p><p>शिकागो की लगभग 20% आबादी "
    "आप्रवासी है, और शहर के हर 3 में से 1 बच्चे के कम से कम एक माता-पिता आप्रवासी हैं। "
    "शिकागो अपने आप्रवासी और शरणार्थी पड़ोसियों का स्वागत करता है, और हम बँटने नहीं "
    "देंगे।</p>",
    "zh-hans": "<p>芝加哥有着欢迎移民和难民的光荣历史，移民的根基至今依然深厚。早在 1985 "
    "年正式成为友好城市之前，我们就一直欢迎和支持移民。</p><p>但一些投机政客企图在我们的"
    "社区里煽动仇恨和恐惧，以分裂我们。这些针对移民社区的攻击在芝加哥没有立足之地。</p>"
    "<p>移民占芝加哥人口的近 20%，全市每 3 个孩子中就有 1 个至少有一位移民父母。芝加哥欢迎"
    "我们的移民和难民邻居，我们绝不会被分裂。</p>",
    "ar": "<p>لشيكاغو تاريخ مشرّف في استقبال المهاجرين واللاجئين، وجذور مهاجرة ما زالت "
    "قوية حتى اليوم. لقد كنا مدينة مرحِّبة بالمهاجرين قبل أن نصبح رسميًا مدينة مرحِّبة "
    "عام 1985 بوقت طويل.</p><p>لكن بعض السياسيين الانتهازيين يحاولون إثارة الكراهية "
    "والخوف في مجتمعاتنا لتفريقنا. هذه الهجمات على مجتمعات المهاجرين لا مكان لها في "
    "شيكاغو.</p><p>يشكّل المهاجرون نحو 20% من سكان شيكاغو، وواحد من كل 3 أطفال في المدينة "
    "لديه والد مهاجر واحد على الأقل. شيكاغو ترحّب بجيرانها المهاجرين واللاجئين، ولن نسمح "
    "بتفريقنا.</p>",
    "pl": "<p>Chicago ma piękną historię przyjmowania imigrantów i uchodźców, a jego "
    "imigranckie korzenie są silne do dziś. Byliśmy miastem otwartym na imigrantów długo "
    "przed tym, jak w 1985 roku oficjalnie staliśmy się miastem przyjaznym.</p><p>Ale "
    "niektórzy cyniczni politycy próbują siać nienawiść i strach w naszych "
    "społecznościach, by nas podzielić. Takie ataki na społeczności imigrantów nie mają "
    "miejsca w Chicago.</p><p>Imigranci stanowią prawie 20% mieszkańców Chicago, a co "
    "trzecie dziecko w mieście ma przynajmniej jednego rodzica imigranta. Chicago wita "
    "swoich sąsiadów imigrantów i uchodźców, a my nie damy się podzielić.</p>",
}
TEXTS = {
    "en": (
        "Hate has no place in Chicago",
        TARGET,
        "Hate has no place in Chicago. We support our immigrant neighbors! We need "
        "everyone, from neighbors to elected leaders, to come together and fight back "
        "against attempts to stoke fear and division. Sign the petition and commit to "
        "standing by our immigrant neighbors.",
    ),
    "es": (
        "El odio no tiene lugar en Chicago",
        "Vecinos, líderes y autoridades electas de Chicago",
        "El odio no tiene lugar en Chicago. ¡Apoyamos a nuestros vecinos inmigrantes! "
        "Necesitamos que todos, desde los vecinos hasta los líderes electos, nos unamos "
        "contra los intentos de sembrar miedo y división. Firme la petición y "
        "comprométase a apoyar a nuestros vecinos inmigrantes.",
    ),
    "hi": (
        "शिकागो में नफ़रत की कोई जगह नहीं",
        "शिकागो के पड़ोसी, नेता और निर्वाचित अधिकारी",
        "शिकागो में नफ़रत की कोई जगह नहीं है। हम अपने आप्रवासी पड़ोसियों के साथ हैं! "
        "पड़ोसियों से लेकर निर्वाचित नेताओं तक, सभी को डर और फूट फैलाने की कोशिशों के "
        "ख़िलाफ़ एकजुट होना होगा। याचिका पर हस्ताक्षर करें और अपने आप्रवासी पड़ोसियों "
        "के साथ खड़े रहने का संकल्प लें।",
    ),
    "zh-hans": (
        "芝加哥容不下仇恨",
        "芝加哥的邻居、领袖和民选官员",
        "芝加哥容不下仇恨。我们支持我们的移民邻居！我们需要每一个人，从邻居到民选领袖，"
        "团结起来，反击制造恐惧和分裂的企图。请签署请愿，承诺与我们的移民邻居站在一起。",
    ),
    "ar": (
        "لا مكان للكراهية في شيكاغو",
        "جيران شيكاغو وقادتها والمسؤولين المنتخبين",
        "لا مكان للكراهية في شيكاغو. نحن ندعم جيراننا المهاجرين! نحتاج إلى أن يتكاتف "
        "الجميع، من الجيران إلى القادة المنتخبين، للتصدي لمحاولات نشر الخوف والانقسام. "
        "وقِّع العريضة والتزم بالوقوف إلى جانب جيراننا المهاجرين.",
    ),
    "pl": (
        "Nienawiść nie ma miejsca w Chicago",
        "Mieszkańców, liderów i wybranych urzędników Chicago",
        "Nienawiść nie ma miejsca w Chicago. Wspieramy naszych sąsiadów imigrantów! "
        "Potrzebujemy wszystkich, od sąsiadów po wybranych przywódców, by wspólnie "
        "przeciwstawić się próbom siania strachu i podziałów. Podpisz petycję i zobowiąż "
        "się stać po stronie naszych sąsiadów imigrantów.",
    ),
}
FIRST = ["Ana", "Luis", "Priya", "Wei", "Fatima", "Piotr", "Grace", "Omar", "Carmen",
         "Rahul", "Min", "Layla", "Kasia", "Daniel", "Rosa", "Arjun", "Jie", "Yusuf",
         "Magda", "Sarah"]  # fmt: skip
LAST = ["Morales", "Patel", "Li", "Haddad", "Nowak", "Johnson", "Ruiz", "Sharma",
        "Zhang", "Khalil", "Kowalski", "Kim", "Ortega", "Iyer", "Chen", "Saleh",
        "Wójcik", "Cohen", "Delgado", "Okafor", "Nguyen", "Singh", "Aziz"]  # fmt: skip
ZIPS = ["60608", "60623", "60632", "60629", "60609", "60647", "60659", "60645",
        "60660", "60616", "60625", "60634", "60641", "60614", "60657", ""]  # fmt: skip
LANGUAGES = ["en", "es", "en", "pl", "zh-hans", "es", "hi", "ar"]


def nth_signature_time(n: int) -> datetime:
    """When the n-th demo signature was counted, interpolated between the anchors."""
    for (lo, lo_time), (hi, hi_time) in zip(ANCHORS, ANCHORS[1:], strict=False):
        if lo <= n <= hi:
            share = (n - lo) / (hi - lo) if hi > lo else 0
            return lo_time + timedelta(
                seconds=(hi_time - lo_time).total_seconds() * share
            )
    return ANCHORS[-1][1]


def demo_signer(n: int) -> tuple[str, str]:
    name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}"
    return name, f"petition-demo-{n}@example.org"


def load_petition() -> PetitionPage:
    """The seed campaign, its petition in six languages, signatures and milestones."""
    campaign, _ = Campaign.objects.update_or_create(
        slug=SLUG,
        defaults={
            "name": TEXTS["en"][0],
            "description": "Stand by our immigrant neighbors (seed 003).",
            "goal": 1000,
            "milestone_thresholds": [10, 25, 50, 100, 500, 1000, 2500, 5000, 10000],
            "lead_emails": "organizers@ona.example.org",
        },
    )
    campaign.default_lists.set(filter(None, [demo_list("community-outreach")]))
    page = _load_pages(campaign)
    _load_signatures(campaign, page)
    _grant_campaign_permissions()
    return page


def _grant_campaign_permissions() -> None:
    """Staff and organizers run campaigns and read their reports in the admin."""
    permissions = Permission.objects.filter(
        content_type__app_label="campaigns",
        codename__in=["view_campaign", "add_campaign", "change_campaign"],
    )
    for name in (STAFF_GROUP, ORGANIZERS_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def _load_pages(campaign: Campaign) -> PetitionPage:
    english_home = HomePage.objects.get(locale__language_code="en")
    page = PetitionPage.objects.filter(campaign=campaign, locale=english_home.locale)
    page = page.first()
    title, target, statement = TEXTS["en"]
    if page is None:
        page = english_home.add_child(
            instance=PetitionPage(
                title=title,
                slug=SLUG,
                campaign=campaign,
                target=target,
                statement=statement,
                why=WHY,
            )
        )
    publish_if_changed(page, title=title, target=target, statement=statement, why=WHY)
    for code, (title, target, statement) in TEXTS.items():
        if code == "en":
            continue
        locale = Locale.objects.get(language_code=code)
        translation = page.get_translation_or_none(locale)
        if translation is None:
            translation = page.copy_for_translation(locale, copy_parents=True)
        publish_if_changed(
            translation.specific,
            title=title,
            target=target,
            statement=statement,
            why=WHY_TRANSLATED[code],
        )
    return page


def _load_signatures(campaign: Campaign, page: PetitionPage) -> None:
    existing = set(
        Signature.objects.filter(campaign=campaign).values_list("email_hash", flat=True)
    )
    missing = []
    for n in range(1, SIGNATURES + 1):
        name, email = demo_signer(n)
        email_hash = crypto.lookup_hash(email)
        if email_hash in existing:
            continue
        when = nth_signature_time(n)
        missing.append(
            Signature(
                campaign=campaign,
                page=page,
                email=email,
                email_hash=email_hash,
                mailbox_hash=crypto.mailbox_hash(email, email_hash=email_hash),
                name=name,
                zip_code=ZIPS[n % len(ZIPS)],
                language=LANGUAGES[n % len(LANGUAGES)],
                status=Signature.Status.VERIFIED,
                created_at=when,
                verified_at=when,
            )
        )
    Signature.objects.bulk_create(missing, batch_size=500)
    counted = Signature.objects.filter(
        campaign=campaign, status=Signature.Status.VERIFIED
    ).count()
    # Set, not incremented: the demo's history is loaded, not lived, so no e-mails go out.
    Counter.objects.update_or_create(
        campaign=campaign, kind=Counter.Kind.SIGNATURES, defaults={"value": counted}
    )
    for threshold, reached_at in MILESTONES.items():
        Milestone.objects.get_or_create(
            campaign=campaign,
            counter=Counter.Kind.SIGNATURES,
            threshold=threshold,
            defaults={"reached_at": reached_at, "notified_at": reached_at},
        )


def load_organizer_permissions() -> None:
    """Organizers may alert the Community Outreach list; Legal Protection alerts need a
    second person. Idempotent."""
    from subscribers.models import ListPermission

    organizers, _ = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    outreach = demo_list("community-outreach")
    if outreach is not None:
        for permission in (
            ListPermission.Permission.VIEW,
            ListPermission.Permission.SEND,
        ):
            ListPermission.objects.get_or_create(
                group=organizers, mailing_list=outreach, permission=permission
            )
    legal = demo_list("legal-protection")
    if legal is not None:
        MailingList.objects.filter(pk=legal.pk).update(two_person_rule=True)
    # Organizers also run the door: the events' check-in lists (names only), and see
    # the RSVPs of their lists' events (and of those they alerted a list to) in the
    # RSVP list, where the Check-in screen shows one event at a time.
    organizers.permissions.add(
        Permission.objects.get(codename="check_in_rsvp"),
        Permission.objects.get(codename="view_rsvp", content_type__app_label="events"),
    )

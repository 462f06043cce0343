"""Demo tenders for a fresh portal: the three Ashgabat pilot tenders and one more to bid on.

``build_demo_tenders(stdout)`` writes and publishes, through the normal services and as the
demo procurement officer, the tenders for services to people with chronic illnesses, people
with disabilities and elderly people living alone in Ashgabat, plus a family support tender
open for about three weeks that a newly registered organisation can bid on. The ``load_demo``
builder goes further where it can (see ``tenders.demo_evaluation``): the three pilot tenders
become this year's history, bid on, evaluated and awarded. Running it again changes nothing
that is already there.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.demo import STAFF_ACCOUNTS, DemoData
from portal.models import Etrap, Role, ServiceType, TargetGroup, User, Velayat
from providers.demo import demo_pdf
from providers.models import DocumentType
from tenders import demo_evaluation
from tenders.demo_committee import name_committee, show_passphrases
from tenders.localtime import ASHGABAT
from tenders.models import Tender
from tenders.services.tender import tender_create, tender_publish

OFFICER_USERNAME = "procurement"
CLOSING_HOUR = datetime.time(18, 0)

# The ministry's staff write in Turkmen; only the criteria's titles are given in every language.
CARE_CRITERIA = [
    (
        "Hyzmatyň usuly we meýilnamasy",
        "Методика и план оказания услуги",
        "Service approach and work plan",
        "Adamlara näçe gezek baryp görülýär, baryp görlende näme edilýär, zerurlyklar nähili "
        "kesgitlenýär.",
        30,
    ),
    (
        "Işgärleriň hünäri we hünär ýokarlandyryş okuwy",
        "Квалификация персонала и повышение квалификации",
        "Staff qualifications and in-service training",
        "Teklipde ady görkezilen, okuw geçen öýde hyzmat ediji işgärler we şepagat uýalary, "
        "olaryň işine gözegçilik.",
        25,
    ),
    (
        "Maksatly topary we Aşgabady bilmek",
        "Знание целевой группы и работы в Ашхабаде",
        "Knowledge of the target group in Ashgabat",
        "Kömege mätäç adamlar nähili tapylýar we ugrukdyrylýar, etrap durmuş işgärleri bilen "
        "aragatnaşyk.",
        15,
    ),
    (
        "Gözegçilik, hil we goraglyk",
        "Мониторинг, качество и защита",
        "Monitoring, quality and safeguarding",
        "Ýöredilýän ýazgylar, arzalara seredilişi, hyzmat alýanlaryň mertebesiniň we şahsy "
        "durmuşynyň goralyşy.",
        10,
    ),
]
CARE_DOCUMENTS = [
    DocumentType.CHARTER,
    DocumentType.REGISTRATION_CERTIFICATE,
    DocumentType.TAX_CERTIFICATE,
    DocumentType.BANK_DETAILS,
]

TENDERS = [
    {
        "service_type": "chronic-illness-support",
        "target_groups": ["chronic-illness"],
        "etraps": ["Bagtyýarlyk", "Berkararlyk", "Büzmeýin", "Köpetdag"],
        "title_tk": "Aşgabatda dowamly keselli adamlara öýde goldaw hyzmaty",
        "title_ru": "Услуги поддержки на дому людям с хроническими заболеваниями в Ашхабаде",
        "title_en": "Home support for people with chronic illnesses in Ashgabat",
        "description_tk": (
            "Ministrlik Aşgabat şäherinde dowamly keselli 120 adama öýde goldaw hyzmatyny "
            "satyn alýar: hepdede iki gezek baryp görmek, derman kabul edişine gözegçilik, "
            "gündelik işlerde kömek we maşgala agzalaryna maslahat."
        ),
        "description_ru": (
            "Министерство закупает услуги поддержки на дому для 120 человек с хроническими "
            "заболеваниями в Ашхабаде: посещения два раза в неделю, контроль приёма лекарств, "
            "помощь в повседневных делах и консультации для членов семьи."
        ),
        "description_en": (
            "The ministry buys home support for 120 people with chronic illnesses in Ashgabat: "
            "visits twice a week, help with taking medicines as prescribed, help with daily "
            "tasks and advice for family carers."
        ),
        "budget_ceiling": Decimal("380000.00"),
        "criteria": CARE_CRITERIA,
        "price_weight": 20,
        "min_trained_staff": 3,
        "submission_days": 17,
    },
    {
        "service_type": "disability-support",
        "target_groups": ["disability"],
        "etraps": ["Berkararlyk", "Köpetdag"],
        "title_tk": "Aşgabatda maýyplygy bolan adamlara jemgyýetçilik goldaw hyzmaty",
        "title_ru": "Услуги социальной поддержки людям с инвалидностью в Ашхабаде",
        "title_en": "Community support for people with disabilities in Ashgabat",
        "description_tk": (
            "Maýyplygy bolan 80 adam üçin gündiz goldaw, öýde reabilitasiýa maşklary, "
            "psihologik maslahat we jemgyýetçilik durmuşyna gatnaşmaga kömek."
        ),
        "description_ru": (
            "Дневная поддержка, реабилитационные упражнения на дому, психологические "
            "консультации и помощь в участии в жизни общества для 80 человек с инвалидностью."
        ),
        "description_en": (
            "Day support, rehabilitation exercises at home, psychological counselling and "
            "help to take part in community life for 80 people with disabilities."
        ),
        "budget_ceiling": Decimal("420000.00"),
        "criteria": CARE_CRITERIA,
        "price_weight": 20,
        "min_trained_staff": 3,
        "submission_days": 17,
    },
    {
        "service_type": "elderly-home-care",
        "target_groups": ["elderly"],
        "etraps": ["Bagtyýarlyk", "Büzmeýin"],
        "title_tk": "Aşgabatda ýalňyz ýaşaýan garrylara öýde hyzmat",
        "title_ru": "Помощь на дому одиноко проживающим пожилым людям в Ашхабаде",
        "title_en": "Home care for elderly people living alone in Ashgabat",
        "description_tk": (
            "Ýalňyz ýaşaýan 150 garry adama öýde hyzmat: azyk we derman getirmek, arassaçylyk, "
            "şahsy arassaçylykda kömek, lukmana äkitmek we yzygiderli gürrüňdeşlik."
        ),
        "description_ru": (
            "Помощь на дому 150 одиноко проживающим пожилым людям: доставка продуктов и "
            "лекарств, уборка, помощь в личной гигиене, сопровождение к врачу и регулярное "
            "общение."
        ),
        "description_en": (
            "Home care for 150 elderly people living alone: bringing food and medicines, "
            "cleaning, help with personal hygiene, accompanying them to the doctor and regular "
            "company."
        ),
        "budget_ceiling": Decimal("350000.00"),
        "criteria": CARE_CRITERIA,
        "price_weight": 20,
        "min_trained_staff": 3,
        "submission_days": 17,
    },
    {
        "service_type": "family-crisis-support",
        "target_groups": ["families-in-difficulty", "children"],
        "etraps": [],
        "title_tk": "Aşgabatda kyn ýagdaýdaky maşgalalara goldaw",
        "title_ru": "Поддержка семей в трудной жизненной ситуации в Ашхабаде",
        "title_en": "Support for families in difficult situations in Ashgabat",
        "description_tk": (
            "Kyn ýagdaýa düşen 60 maşgala üçin krizis maslahaty, sosial işgäriň goldawy we "
            "döwlet kömeklerini almakda ýardam."
        ),
        "description_ru": (
            "Кризисное консультирование, сопровождение социальным работником и помощь в "
            "получении государственной поддержки для 60 семей в трудной жизненной ситуации."
        ),
        "description_en": (
            "Crisis counselling, a social worker's support and help in claiming state benefits "
            "for 60 families in difficult situations."
        ),
        "budget_ceiling": Decimal("200000.00"),
        "criteria": [
            (
                "Krizis kömeginiň usuly",
                "Методика кризисной помощи",
                "Crisis support approach",
                "Maşgalalara bir günüň dowamynda nädip ýetilýär we olaryň meýilnamasy nädip "
                "ylalaşylýar.",
                45,
            ),
            (
                "Işgärler we gözegçilik",
                "Персонал и супервизия",
                "Staff and supervision",
                "Durmuş işgärleri we psihologlar, olaryň okuwy we işine gözegçilik.",
                35,
            ),
        ],
        "price_weight": 20,
        "min_trained_staff": 2,
        "submission_days": 21,
    },
]
REQUIRED_DOCUMENTS = {"family-crisis-support": CARE_DOCUMENTS[:2] + [DocumentType.BANK_DETAILS]}


def build_demo_tenders(stdout, specs=TENDERS):
    """Publish the demo tenders (``specs``, by default all four) as the demo procurement
    officer; a repeat publishes only what is missing."""
    officer = _officer()
    for spec in specs:
        with transaction.atomic():
            tender = publish_demo_tender(officer, spec)
        stdout.write(f"Tender {tender.reference} {tender.title_en}: {tender.get_state_display()}\n")


def _officer():
    user = User.objects.filter(username=OFFICER_USERNAME).first()
    if user is not None and user.has_role(Role.PROCUREMENT_OFFICER):
        return user
    username, password, full_name, role = next(
        account for account in STAFF_ACCOUNTS if account[0] == OFFICER_USERNAME
    )
    return DemoData().account(
        username, password=password, role_label=role.label, full_name=full_name, roles=[role]
    )


def find_demo_tender(spec):
    """The demo tender written from ``spec``, or None."""
    return Tender.objects.filter(
        created_by__username=OFFICER_USERNAME, title_en=spec["title_en"]
    ).first()


def publish_demo_tender(officer, spec, *, submission_days=None, grant_start=None):
    """Write and publish the tender of ``spec`` unless it exists; return it. The deadline is
    ``submission_days`` (default: the spec's) from today, the grant starts on ``grant_start``
    (default: 45 days after the deadline)."""
    tender = find_demo_tender(spec)
    if tender is None:
        tender = tender_create(
            actor=officer,
            values=_values(
                spec,
                submission_days or spec["submission_days"],
                grant_start,
            ),
            criteria=[
                {
                    "title_tk": tk,
                    "title_ru": ru,
                    "title_en": en,
                    "guidance": guidance,
                    "weight": weight,
                    "max_points": 10,
                }
                for tk, ru, en, guidance, weight in spec["criteria"]
            ],
            documents=[("Tehniki tabşyryk", _terms(spec))],
        )
    if tender.state == Tender.State.DRAFT:
        name_committee(officer, tender)
        tender = tender_publish(actor=officer, tender=tender)
    return tender


def _values(spec, submission_days, grant_start):
    today = timezone.localtime(timezone.now(), ASHGABAT).date()
    submission_day = today + datetime.timedelta(days=submission_days)
    grant_start = grant_start or submission_day + datetime.timedelta(days=45)
    velayat = Velayat.objects.get(code="TM-S")
    return {
        **{key: spec[key] for key in ("title_tk", "title_ru", "title_en")},
        **{key: spec[key] for key in ("description_tk", "description_ru", "description_en")},
        "service_type": ServiceType.objects.get(code=spec["service_type"]),
        "target_groups": list(TargetGroup.objects.filter(code__in=spec["target_groups"])),
        "velayat": velayat,
        "etraps": list(Etrap.objects.filter(velayat=velayat, name_tk__in=spec["etraps"])),
        "budget_ceiling": spec["budget_ceiling"],
        "grant_start": grant_start,
        "grant_end": grant_start + datetime.timedelta(days=364),
        "awards_count": 1,
        "required_document_types": [
            str(code) for code in REQUIRED_DOCUMENTS.get(spec["service_type"], CARE_DOCUMENTS)
        ],
        "min_trained_staff": spec["min_trained_staff"],
        "price_weight": spec["price_weight"],
        "min_technical_score": Decimal("60"),
        "questions_deadline": _closing(submission_day - datetime.timedelta(days=5)),
        "submission_deadline": _closing(submission_day),
    }


def _closing(day):
    return datetime.datetime.combine(day, CLOSING_HOUR, ASHGABAT)


def _terms(spec):
    return ContentFile(
        demo_pdf(f"Terms of reference - {spec['title_en']}"), name="terms-of-reference.pdf"
    )


def build(demo):
    """The ``load_demo`` builder: the pilot tenders as this year's history when the clock can
    be moved (``tenders.demo_evaluation``), else published today; the open tender today."""
    seeds, open_specs = TENDERS[:3], TENDERS[3:]
    if demo_evaluation.history_available():
        demo_evaluation.build_seed_history(
            demo, seeds, officer=_officer(), find=find_demo_tender, publish=publish_demo_tender
        )
    else:
        demo.stdout.write(demo_evaluation.NO_HISTORY + "\n")
        open_specs = TENDERS
    build_demo_tenders(demo.stdout, open_specs)
    show_passphrases(demo)


BUILDERS = [build]

"""Demo organisations for a fresh portal: the two NGOs that run the Ashgabat pilot services.

``build_demo_providers(stdout)`` creates, through the normal services, the National Red
Crescent Society of Turkmenistan and the public association "Yenme", each with its admin
account, a year's worth of valid documents and trained service personnel, and leaves both
verified. Running it again changes nothing that is already there.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.demo import DemoLogin
from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from providers.models import DocumentType, Provider, ProviderState
from providers.services import (
    document_add,
    provider_register,
    provider_submit,
    staff_add,
    training_add,
)
from workflows import runner

# Each organisation writes in its own working language: the Red Crescent Society in Russian,
# "Yenme" in Turkmen, as the pilot's staff do.
DEMO_DOCUMENTS = {
    "ru": [
        (DocumentType.CHARTER, "Устав"),
        (DocumentType.REGISTRATION_CERTIFICATE, "Свидетельство о государственной регистрации"),
        (DocumentType.TAX_CERTIFICATE, "Справка налоговой службы"),
        (DocumentType.BANK_DETAILS, "Банковские реквизиты"),
    ],
    "tk": [
        (DocumentType.CHARTER, "Tertipnama"),
        (
            DocumentType.REGISTRATION_CERTIFICATE,
            "Döwlet tarapyndan hasaba alnandygy barada şahadatnama",
        ),
        (DocumentType.TAX_CERTIFICATE, "Salgyt gullugynyň güwänamasy"),
        (DocumentType.BANK_DETAILS, "Bank maglumatlary"),
    ],
}
MINISTRY = {
    "ru": "Министерство труда и социальной защиты населения Туркменистана",
    "tk": "Türkmenistanyň Zähmet we ilaty durmuş taýdan goramak ministrligi",
}

ORGANISATIONS = [
    {
        "username": "nrcst",
        "password": "demo-nrcst-2026",
        "email": "nrcst@demo.example.org",
        "full_name": "Gözel Berdiýewa",
        "language": "ru",
        "details": {
            "name_tk": "Türkmenistanyň Milli Gyzyl Ýarymaý Jemgyýeti",
            "name_ru": "Национальное общество Красного Полумесяца Туркменистана",
            "name_en": "National Red Crescent Society of Turkmenistan",
            "legal_form": "national_society",
            "registration_number": "DEMO-NS-0001",
            "registration_date": date(1992, 3, 9),
            "address": "Arçabil şaýoly 48",
            "etrap_name": "Köpetdag",
            "phone": "+993 12 39 02 48",
            "email": "office@redcrescent.demo.example.org",
            "website": "",
        },
        "service_types": ["elderly-home-care", "chronic-illness-support"],
        "target_groups": ["elderly", "chronic-illness"],
        "course": "Уход на дому за пожилыми людьми и людьми с хроническими заболеваниями",
        "staff": [
            ("Aýna Orazowa", "Работник по уходу на дому"),
            ("Bahar Annaýewa", "Работник по уходу на дому"),
            ("Jeren Gurbanowa", "Работник по уходу на дому"),
            ("Maral Saparowa", "Медицинская сестра"),
            ("Ogulbike Hojaýewa", "Медицинская сестра"),
            ("Serdar Atamyradow", "Социальный работник"),
            ("Täçgül Amanowa", "Социальный работник"),
            ("Merdan Öwezow", "Водитель и помощник по уходу"),
            ("Leýli Rejepowa", "Координатор услуги"),
        ],
    },
    {
        "username": "yenme",
        "password": "demo-yenme-2026",
        "email": "yenme@demo.example.org",
        "full_name": "Arslan Nurmuhammedow",
        "language": "tk",
        "details": {
            "name_tk": "«Ýeňme» jemgyýetçilik birleşigi",
            "name_ru": "Общественное объединение «Енме»",
            "name_en": "Public association “Yenme”",
            "legal_form": "public_association",
            "registration_number": "DEMO-PA-0002",
            "registration_date": date(2011, 10, 21),
            "address": "Atatürk köçesi 82",
            "etrap_name": "Berkararlyk",
            "phone": "+993 12 48 17 30",
            "email": "office@yenme.demo.example.org",
            "website": "",
        },
        "service_types": ["disability-support"],
        "target_groups": ["disability"],
        "course": "Öýde ýaşaýan maýyplygy bolan adamlara goldaw bermek",
        "staff": [
            ("Guljahan Baýramowa", "Şahsy kömekçi"),
            ("Mähri Durdyýewa", "Şahsy kömekçi"),
            ("Nurgeldi Hallyýew", "Reabilitasiýa hünärmeni"),
            ("Ogulşat Çaryýewa", "Durmuş işgäri"),
            ("Dowlet Gylyjow", "Yşarat dili terjimeçisi"),
            ("Şirin Myradowa", "Psiholog"),
        ],
    },
]


def build_demo_providers(stdout):
    """Create the two verified demo organisations; a repeat only fills in what is missing."""
    for spec in ORGANISATIONS:
        with transaction.atomic():
            provider = _build(spec)
        stdout.write(f"Provider {provider.name_en}: {provider.get_state_display()}\n")


def _build(spec):
    admin = _admin_account(spec)
    provider = Provider.objects.filter(
        registration_number=spec["details"]["registration_number"]
    ).first()
    if provider is None:
        provider = provider_register(actor=admin, details=_details(spec))
    if provider.state in (ProviderState.DRAFT, ProviderState.RETURNED, ProviderState.VERIFIED):
        _documents(provider, admin, spec["language"])
        _staff(provider, admin, spec)
    if provider.state in (ProviderState.DRAFT, ProviderState.RETURNED):
        provider = provider_submit(actor=admin, provider=provider)
    if provider.state == ProviderState.SUBMITTED:
        # No officer exists yet on a fresh portal, so the portal itself verifies its demo data.
        provider = runner.apply(
            provider, "verify", actor=None, note="Demo maglumatlary ýüklenende barlandy."
        )
    return provider


def _admin_account(spec):
    user, created = get_user_model().objects.get_or_create(
        username=spec["username"],
        defaults={"email": spec["email"], "full_name": spec["full_name"], "language": "tk"},
    )
    if created or not user.check_password(spec["password"]):
        user.set_password(spec["password"])
        user.save(update_fields=["password"])
    return user


def _details(spec):
    details = dict(spec["details"])
    velayat = Velayat.objects.get(code="TM-S")
    details["velayat"] = velayat
    details["etrap"] = Etrap.objects.get(velayat=velayat, name_tk=details.pop("etrap_name"))
    details["service_types"] = ServiceType.objects.filter(code__in=spec["service_types"])
    details["target_groups"] = TargetGroup.objects.filter(code__in=spec["target_groups"])
    return details


def _documents(provider, admin, language):
    present = set(provider.documents.values_list("document_type", flat=True))
    expires_on = timezone.localdate() + timedelta(days=365)
    for document_type, title in DEMO_DOCUMENTS[language]:
        if document_type in present:
            continue
        upload = ContentFile(
            demo_pdf(f"{provider.name_en}: {document_type.replace('_', ' ')}"),
            name=f"{document_type}.pdf",
        )
        document_add(
            actor=admin,
            provider=provider,
            document_type=document_type,
            title=title,
            upload=upload,
            expires_on=expires_on,
        )


def _staff(provider, admin, spec):
    completed = timezone.localdate() - timedelta(days=45)
    for full_name, position in spec["staff"]:
        member = staff_add(actor=admin, provider=provider, full_name=full_name, position=position)
        training_add(
            actor=admin,
            staff=member,
            course=spec["course"],
            training_provider=MINISTRY[spec["language"]],
            started_on=completed - timedelta(days=14),
            completed_on=completed,
            in_service=True,
        )


def demo_pdf(text):
    """A one-page PDF showing ``text`` (ASCII only), small enough to ship as demo data."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "").replace("(", "[")
    safe = safe.replace(")", "]")
    stream = f"BT /F1 14 Tf 72 720 Td (Demo document - {safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def build(demo):
    """The ``load_demo`` builder: both organisations, with their admins' logins printed."""
    build_demo_providers(demo.stdout)
    for spec in ORGANISATIONS:
        demo.logins.append(
            DemoLogin(spec["username"], spec["password"], "NGO admin", spec["email"])
        )


BUILDERS = [build]

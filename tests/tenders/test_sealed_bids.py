"""Sealed bids: before the deadline nobody outside the bidding organisation reads a bid.

Two organisations submit bids (through the services, so the audit log, outbox and
notifications hold what they would in production). Every role is walked through every route of
the URLconf, ids filled in with those of the bids, documents, tender and everything around
them, and through every page of the admin. No response may contain a bid's proposal text,
budget descriptions, staff roles, document file names or document bytes, and the bid document
route answers 404. After the bids are opened, the same walk finds the content for procurement
officers, which shows the walk would notice a leak.
"""

import itertools
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from portal.models import Role
from providers.models import MemberRole, StaffMember
from tenders.models import Bid, BidBudgetLine, BidDocument, BidStaff, Tender, TenderDocument
from tenders.services.bid import (
    bid_budget_line_add,
    bid_create,
    bid_document_add,
    bid_proposal_save,
    bid_staff_assign,
)
from tenders.services.bid_submission import bid_submit
from tenders.services.opening import tender_open_bids
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import TenderDocumentFactory, bid_ready_tender, eligible_provider

# Transactional: the submissions really commit before the deadline is moved behind them. Ids
# restart at 1, so filling every route with every id stays a small walk.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
UNREGISTERED = ["bid", "bidsection", "bidstaff", "bidbudgetline", "biddocument"]
REFERENCE_MODELS = {"portal.Velayat", "portal.Etrap", "portal.ServiceType", "portal.TargetGroup"}


def _secrets(label):
    return {
        "proposal": f"SEALED-PROPOSAL-{label}-c41f",
        "budget": f"SEALED-BUDGET-{label}-9e2a",
        "role": f"SEALED-ROLE-{label}-77b0",
        "file_name": f"sealed-file-{label}-0d13.pdf",
        "bytes": f"SEALED-BYTES-{label}-58aa",
    }


def _prepare_bid(tender, label):
    secrets = _secrets(label)
    provider = eligible_provider(tender)
    admin = admin_of(provider)
    bid = bid_create(actor=admin, tender=tender)
    bid_proposal_save(
        actor=admin,
        bid=bid,
        answers={c.pk: f"{secrets['proposal']} {c.pk}" for c in tender.criteria.all()},
    )
    person = StaffMember.objects.filter(provider=provider).first()
    bid_staff_assign(actor=admin, bid=bid, staff_member=person, role_in_project=secrets["role"])
    bid_budget_line_add(
        actor=admin,
        bid=bid,
        category="staff",
        description=secrets["budget"],
        amount=Decimal("5000"),
    )
    content = pdf_bytes() + f"%{secrets['bytes']}\n".encode()
    bid_document_add(
        actor=admin,
        bid=bid,
        title="Work plan",
        upload=upload("pdf", name=secrets["file_name"], content=content),
    )
    bid_submit(actor=admin, bid=bid)
    return Bid.objects.get(pk=bid.pk), secrets


@pytest.fixture
def scene():
    tender = bid_ready_tender(submission_deadline=timezone.now() + timedelta(days=2))
    TenderDocumentFactory(tender=tender)
    bid_a, secrets_a = _prepare_bid(tender, "A")
    bid_b, secrets_b = _prepare_bid(tender, "B")
    system_admin = UserFactory(is_staff=True)
    system_admin.groups.add(Group.objects.get_or_create(name=Role.SYSTEM_ADMIN)[0])
    users = {
        "anonymous": None,
        "other admin": admin_of(bid_b.provider),
        "other editor": member_of(bid_b.provider, MemberRole.EDITOR),
        "other viewer": member_of(bid_b.provider, MemberRole.VIEWER),
        "tender's officer": tender.created_by,
        "procurement officer": UserFactory(procurement_officer=True),
        "evaluator": UserFactory(evaluator=True),
        "approver": UserFactory(approver=True),
        "grant officer": UserFactory(grant_officer=True),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "system administrator": system_admin,
    }
    return {
        "tender": tender,
        "a": bid_a,
        "b": bid_b,
        "secrets_a": secrets_a,
        "secrets_b": secrets_b,
        "users": users,
    }


# Enumerating the URLconf.


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        text = str(pattern.pattern)
        if isinstance(pattern.pattern, RegexPattern):
            assert "(" not in text, f"a regex route with groups needs handling here: {text}"
            text = text.lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _routes(pattern, prefix + text)
        else:
            yield prefix + text


def _ids(scene):
    bids = Bid.objects.filter(tender=scene["tender"])
    ids = {
        "bid": set(bids.values_list("pk", flat=True)),
        "document": set(BidDocument.objects.values_list("pk", flat=True))
        | set(TenderDocument.objects.values_list("pk", flat=True)),
        "staff": set(BidStaff.objects.values_list("staff_member_id", flat=True))
        | set(BidStaff.objects.values_list("pk", flat=True)),
        "line": set(BidBudgetLine.objects.values_list("pk", flat=True)),
        "tender": {scene["tender"].pk},
        "provider": set(bids.values_list("provider_id", flat=True)),
    }
    ids["all"] = set().union(*ids.values())
    return ids


def _candidates(converter, name, ids, reference):
    if converter in ("str", "slug", "path"):
        return [reference, "x"]
    if converter == "uuid":
        return [uuid.uuid4()]
    for key in ("document", "staff", "line", "tender", "provider", "bid"):
        if key in name.lower():
            return sorted(ids[key])
    return sorted(ids["all"])


def _urls(scene):
    ids = _ids(scene)
    reference = scene["tender"].reference
    urls = set()
    for route in _routes():
        parameters = PARAMETER.findall(route)
        choices = [_candidates(conv or "str", name, ids, reference) for conv, name in parameters]
        for values in itertools.product(*choices):
            url = route
            for value in values:
                url = PARAMETER.sub(str(value), url, count=1)
            urls.add("/" + url)
        if not parameters:
            # A prefix of the secret: a search finds it, while the echoed query does not match.
            urls.add("/" + route + "?q=SEALED-PROPOSAL-A")
    return sorted(urls)


def _admin_urls():
    """The admin's index, every changelist (also searched), and each object's change, history
    and deletion pages; reference data and schedules, which no bidder writes, by list only."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        for term in ("SEALED", "sealed-file"):
            urls.append(reverse(f"{info}_changelist") + f"?q={term}")
        if model._meta.label in REFERENCE_MODELS or model._meta.app_label == "django_celery_beat":
            continue
        for pk in model._default_manager.order_by("-pk").values_list("pk", flat=True)[:100]:
            for page in ("change", "history", "delete"):
                urls.append(reverse(f"{info}_{page}", args=[pk]))
    return urls


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leaks(client, urls, secrets):
    """Every (url, secret) whose text reaches the user in a page, a file or a header."""
    found = []
    for url in urls:
        response = client.get(url)
        seen = _body(response) + str(dict(response.headers)).encode()
        for kind, secret in secrets.items():
            if secret.encode() in seen:
                found.append((url, kind))
    return found


def _client(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        sign_in(client, user)
    return client


def _document_url(bid):
    return reverse("tenders:bid_document", args=[bid.pk, bid.documents.get().pk])


def _open(scene):
    Tender.objects.filter(pk=scene["tender"].pk).update(
        submission_deadline=timezone.now() - timedelta(seconds=1)
    )
    opened = tender_open_bids(tender=scene["tender"])
    assert opened.state == Tender.State.CLOSED


def test_no_role_outside_the_organisation_reads_a_sealed_bid(scene):
    urls = _urls(scene) + _admin_urls()
    assert any("/tenders/bids/" in url for url in urls)
    for role, user in scene["users"].items():
        client = _client(user)
        own = "other" in role
        secrets = (
            scene["secrets_a"] if own else {**scene["secrets_a"], **_suffixed(scene["secrets_b"])}
        )
        assert _leaks(client, urls, secrets) == [], role
        assert client.get(_document_url(scene["a"])).status_code == 404, role
        if not own:
            assert client.get(_document_url(scene["b"])).status_code == 404, role


def test_the_admin_has_no_page_for_bids(scene):
    client = _client(scene["users"]["superuser"])
    for model in UNREGISTERED:
        assert client.get(f"/admin/tenders/{model}/").status_code == 404
        assert client.get(f"/admin/tenders/{model}/{scene['a'].pk}/change/").status_code == 404
    assert client.get("/admin/tenders/tender/").status_code == 200


def test_the_ministry_sees_how_many_bids_there_are(scene):
    client = _client(scene["users"]["tender's officer"])
    response = client.get(reverse("tenders:tender_bids", args=[scene["tender"].pk]))
    assert response.context["count"] == 2
    assert scene["a"].provider.name not in response.content.decode()
    page = client.get(reverse("tenders:manage_detail", args=[scene["tender"].pk]))
    assert "2 bids submitted." in page.content.decode()


def test_the_walk_finds_the_bid_for_its_own_organisation(scene):
    urls = _urls(scene)
    client = _client(admin_of(scene["a"].provider))
    kinds = {kind for _url, kind in _leaks(client, urls, scene["secrets_a"])}
    assert kinds == set(scene["secrets_a"])
    assert client.get(_document_url(scene["a"])).status_code == 200


def test_after_opening_officers_read_the_bids_and_others_still_do_not(scene):
    _open(scene)
    urls = _urls(scene) + _admin_urls()
    both = {**scene["secrets_a"], **_suffixed(scene["secrets_b"])}
    for role in ("tender's officer", "procurement officer"):
        client = _client(scene["users"][role])
        kinds = {kind for _url, kind in _leaks(client, urls, both)}
        assert kinds == set(both), role
        assert client.get(_document_url(scene["a"])).status_code == 200
    # The opening record in the audit log names each document and its SHA-256, as an opening
    # record must; the bids themselves stay with the officers.
    for role in (
        "anonymous",
        "evaluator",
        "approver",
        "grant officer",
        "superuser",
        "system administrator",
    ):
        client = _client(scene["users"][role])
        leaks = [
            (url, kind)
            for url, kind in _leaks(client, urls, both)
            if not (url.startswith("/admin/workflows/auditentry/") and kind.startswith("file_name"))
        ]
        assert leaks == [], role
        assert client.get(_document_url(scene["a"])).status_code == 404, role
    client = _client(scene["users"]["other viewer"])
    assert _leaks(client, urls, scene["secrets_a"]) == []


def _suffixed(secrets):
    return {f"{kind} (B)": secret for kind, secret in secrets.items()}

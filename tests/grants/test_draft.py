"""Changing a draft agreement: terms, budget, targets, tranche plan and the signed file."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grants.models import AgreementDocument, TargetMeasure, TrancheCondition
from grants.services import (
    agreement_set_budget,
    agreement_set_targets,
    agreement_set_tranches,
    agreement_update_terms,
    agreement_upload_document,
)
from portal.models import Etrap, TargetGroup
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import (
    GrantAgreementFactory,
    grantee_admin,
    grantee_member,
    officer,
)
from tests.factories.portal import UserFactory
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def budget(amount="120000.00"):
    return [
        {"category": "staff", "description": "Social workers", "amount": Decimal(amount) - 20000},
        {"category": "transport", "description": "Fuel", "amount": Decimal("20000.00")},
    ]


def targets(agreement):
    group, etrap = agreement.target_groups.first(), agreement.etraps.first()
    return [
        {
            "measure": TargetMeasure.BENEFICIARIES,
            "target_group": group,
            "etrap": None,
            "number": 80,
        },
        {
            "measure": TargetMeasure.BENEFICIARIES,
            "target_group": group,
            "etrap": etrap,
            "number": 30,
        },
        {"measure": TargetMeasure.SERVICES, "target_group": None, "etrap": etrap, "number": 900},
    ]


PLAN = [
    {"percentage": Decimal("30"), "condition": TrancheCondition.SIGNING},
    {"percentage": Decimal("35"), "condition": TrancheCondition.PERIOD_REPORT, "period_number": 2},
    {"percentage": Decimal("35"), "condition": TrancheCondition.FINAL_REPORT},
]


def edits(agreement):
    """Each draft edit as (service, arguments) for the parametrised tests."""
    return {
        "terms": (
            agreement_update_terms,
            {
                "start_date": datetime.date(2027, 3, 15),
                "end_date": datetime.date(2028, 3, 14),
                "reporting_frequency": "monthly",
                "report_due_days": 10,
            },
        ),
        "budget": (agreement_set_budget, {"lines": budget()}),
        "targets": (agreement_set_targets, {"targets": targets(agreement)}),
        "tranches": (agreement_set_tranches, {"tranches": PLAN}),
    }


EDITS = ["terms", "budget", "targets", "tranches"]


def run(edit, agreement, actor, seen_version=None):
    service, arguments = edits(agreement)[edit]
    version = agreement.version if seen_version is None else seen_version
    return service(actor=actor, agreement=agreement, seen_version=version, **arguments)


@pytest.mark.parametrize("edit", EDITS)
def test_an_officer_changes_the_draft_and_its_version_moves_on(officer, edit):
    agreement = GrantAgreementFactory()

    row = run(edit, agreement, officer)

    assert row.version == agreement.version + 1
    entry = history(agreement).get(action=f"update_{edit}")
    assert entry.actor == officer and entry.data


def test_the_terms_are_saved(officer):
    agreement = GrantAgreementFactory()

    run("terms", agreement, officer)

    agreement.refresh_from_db()
    assert (agreement.start_date, agreement.end_date) == (
        datetime.date(2027, 3, 15),
        datetime.date(2028, 3, 14),
    )
    assert (agreement.reporting_frequency, agreement.report_due_days) == ("monthly", 10)


def test_the_budget_is_replaced_line_by_line(officer):
    agreement = GrantAgreementFactory()

    run("budget", agreement, officer)

    assert list(agreement.budget_lines.values_list("position", "category", "amount")) == [
        (1, "staff", Decimal("100000.00")),
        (2, "transport", Decimal("20000.00")),
    ]


def test_targets_may_name_a_group_an_etrap_or_both(officer):
    agreement = GrantAgreementFactory()

    run("targets", agreement, officer)

    rows = agreement.targets.values_list("measure", "target_group", "etrap", "number")
    assert [row[1:] for row in rows] == [
        (agreement.target_groups.first().pk, None, 80),
        (agreement.target_groups.first().pk, agreement.etraps.first().pk, 30),
        (None, agreement.etraps.first().pk, 900),
    ]


def test_the_tranche_amounts_follow_the_shares_and_add_up_to_the_grant(officer):
    agreement = GrantAgreementFactory(amount=Decimal("100000.01"))
    agreement.budget_lines.update(amount=Decimal("100000.01"))

    run("tranches", agreement, officer)

    tranches = list(agreement.tranches.all())
    assert [t.amount for t in tranches] == [
        Decimal("30000.00"),
        Decimal("35000.00"),
        Decimal("35000.01"),
    ]
    assert [t.period_number for t in tranches] == [None, 2, None]


@pytest.mark.parametrize("edit", EDITS)
def test_changing_a_signed_agreement_is_refused(officer, edit):
    agreement = GrantAgreementFactory(signed=True)

    with pytest.raises(DomainError) as error:
        run(edit, agreement, officer)

    assert error.value.code == "not_allowed"
    assert not history(agreement).exists()


@pytest.mark.parametrize("edit", EDITS)
@pytest.mark.parametrize("who", ["grantee_admin", "other_staff", "officer_in_the_grantee"])
def test_only_grant_officers_outside_the_grantee_change_the_draft(edit, who):
    agreement = GrantAgreementFactory()
    actor = {
        "grantee_admin": lambda: grantee_admin(agreement),
        "other_staff": lambda: UserFactory(procurement_officer=True),
        "officer_in_the_grantee": lambda: grantee_member(
            agreement, MemberRole.VIEWER, roles=["grant_officer"]
        ),
    }[who]()

    with pytest.raises(DomainError) as error:
        run(edit, agreement, actor)

    assert error.value.code == "forbidden"
    agreement.refresh_from_db()
    assert agreement.version == 1


@pytest.mark.parametrize("edit", EDITS)
def test_a_change_made_on_a_stale_page_is_a_conflict(officer, edit):
    agreement = GrantAgreementFactory()
    run("budget", agreement, UserFactory(grant_officer=True))

    with pytest.raises(ConflictError):
        run(edit, agreement, officer, seen_version=1)


@pytest.mark.parametrize("edit", EDITS)
def test_the_same_change_sent_twice_from_one_page_is_made_once(officer, edit):
    agreement = GrantAgreementFactory()

    run(edit, agreement, officer, seen_version=1)
    again = run(edit, agreement, officer, seen_version=1)

    assert again.version == 2
    assert history(agreement).filter(action=f"update_{edit}").count() == 1


@pytest.mark.parametrize("edit", EDITS)
def test_a_change_withdraws_the_confirmations_given(officer, edit):
    agreement = GrantAgreementFactory(ready=True, confirmed=True)

    run(edit, agreement, officer)

    agreement.refresh_from_db()
    assert agreement.confirmations == 0
    assert history(agreement).get(action=f"update_{edit}").data["confirmations_withdrawn"]


@pytest.mark.parametrize(
    "arguments, code",
    [
        ({"end_date": datetime.date(2026, 1, 1)}, "dates"),
        ({"reporting_frequency": "weekly"}, "frequency"),
        ({"report_due_days": 91}, "due_days"),
    ],
)
def test_impossible_terms_are_refused(officer, arguments, code):
    agreement = GrantAgreementFactory(start_date=datetime.date(2026, 6, 1))
    terms = {
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "reporting_frequency": "monthly",
        "report_due_days": 15,
        **arguments,
    }

    with pytest.raises(DomainError) as error:
        agreement_update_terms(actor=officer, agreement=agreement, seen_version=1, **terms)

    assert error.value.code == code


def test_a_negative_budget_line_is_refused(officer):
    agreement = GrantAgreementFactory()

    with pytest.raises(DomainError) as error:
        agreement_set_budget(
            actor=officer, agreement=agreement, seen_version=1, lines=budget("10000")
        )

    assert error.value.code == "amount_negative"
    assert agreement.budget_lines.get().amount == Decimal("120000.00")


@pytest.mark.parametrize(
    "change, code",
    [
        ({"target_group": None, "etrap": None}, "target_scope"),
        ({"number": -1}, "number"),
        ({"measure": "happiness"}, "measure"),
    ],
)
def test_an_impossible_target_is_refused(officer, change, code):
    agreement = GrantAgreementFactory()
    rows = targets(agreement)
    rows[0].update(change)

    with pytest.raises(DomainError) as error:
        agreement_set_targets(actor=officer, agreement=agreement, seen_version=1, targets=rows)

    assert error.value.code == code


def test_a_target_outside_the_agreements_groups_and_etraps_is_refused(officer):
    agreement = GrantAgreementFactory()
    elsewhere = Etrap.objects.exclude(velayat=agreement.velayat).first()
    other_group = TargetGroup.objects.exclude(pk__in=agreement.target_groups.all()).first()

    for scope, code in (
        ({"target_group": None, "etrap": elsewhere}, "target_etrap"),
        ({"target_group": other_group, "etrap": None}, "target_group"),
    ):
        rows = [{"measure": "beneficiaries", "number": 5, **scope}]
        with pytest.raises(DomainError) as error:
            agreement_set_targets(actor=officer, agreement=agreement, seen_version=1, targets=rows)
        assert error.value.code == code


@pytest.mark.parametrize(
    "change, code",
    [
        ({"percentage": Decimal("0")}, "percentage"),
        ({"percentage": Decimal("100.5")}, "percentage"),
        ({"condition": "rain"}, "condition"),
        ({"condition": TrancheCondition.PERIOD_REPORT, "period_number": None}, "period_number"),
    ],
)
def test_an_impossible_tranche_is_refused(officer, change, code):
    agreement = GrantAgreementFactory()
    plan = [dict(PLAN[0], **change), *PLAN[1:]]

    with pytest.raises(DomainError) as error:
        agreement_set_tranches(actor=officer, agreement=agreement, seen_version=1, tranches=plan)

    assert error.value.code == code
    assert agreement.tranches.count() == 3


# The signed file


@pytest.mark.parametrize("side", ["officer", "grantee_admin"])
def test_either_side_uploads_the_signed_file(side, django_capture_on_commit_callbacks):
    agreement = GrantAgreementFactory()
    grant_officer = officer()
    actor = grant_officer if side == "officer" else grantee_admin(agreement)

    with django_capture_on_commit_callbacks() as callbacks:
        agreement_upload_document(
            actor=actor,
            agreement=agreement,
            uploaded_file=upload("pdf", name="signed.pdf"),
            seen_version=1,
        )
        rows = OutboxMessage.objects.filter(event="grants.agreement_file_uploaded")
        assert set(rows.values_list("recipient", flat=True)) == {
            grant_officer.pk,
            grantee_admin(agreement).pk,
        }
        assert not rows.filter(published_at__isnull=False).exists()
    for callback in callbacks:
        callback()
    assert not rows.filter(published_at__isnull=True).exists()
    document = agreement.documents.get()
    assert (document.original_name, document.uploaded_by) == ("signed.pdf", actor)
    assert history(agreement).get(action="upload_document").data["sha256"] == document.sha256


def test_a_new_file_becomes_the_current_one_and_withdraws_confirmations(officer):
    agreement = GrantAgreementFactory(ready=True, confirmed=True)

    agreement_upload_document(
        actor=officer,
        agreement=agreement,
        uploaded_file=upload("pdf", name="corrected.pdf"),
        seen_version=1,
    )

    agreement.refresh_from_db()
    assert agreement.documents.count() == 2
    assert agreement.documents.first().original_name == "corrected.pdf"
    assert agreement.confirmations == 0


def test_the_same_file_sent_twice_from_one_page_is_kept_once(officer):
    agreement = GrantAgreementFactory()

    for _click in range(2):
        agreement_upload_document(
            actor=officer,
            agreement=agreement,
            uploaded_file=upload("pdf", name="signed.pdf"),
            seen_version=1,
        )

    assert agreement.documents.count() == 1
    agreement.refresh_from_db()
    assert agreement.version == 2


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(officer):
    agreement = GrantAgreementFactory()

    with pytest.raises(ValidationError):
        agreement_upload_document(
            actor=officer,
            agreement=agreement,
            uploaded_file=upload("pdf", name="signed.pdf", content=b"MZ\x90\x00binary"),
            seen_version=1,
        )

    assert not AgreementDocument.objects.exists()


@pytest.mark.parametrize("who", ["editor", "outsider"])
def test_an_editor_or_outsider_may_not_upload_the_file(who):
    agreement = GrantAgreementFactory()
    actor = grantee_member(agreement) if who == "editor" else UserFactory()

    with pytest.raises(DomainError) as error:
        agreement_upload_document(
            actor=actor, agreement=agreement, uploaded_file=upload("pdf"), seen_version=1
        )

    assert error.value.code == "forbidden"
    assert not AgreementDocument.objects.exists()


def test_no_file_is_uploaded_to_a_signed_agreement(officer):
    agreement = GrantAgreementFactory(signed=True)
    before = agreement.documents.count()

    with pytest.raises(DomainError):
        agreement_upload_document(
            actor=officer, agreement=agreement, uploaded_file=upload("pdf"), seen_version=1
        )

    assert agreement.documents.count() == before


def test_the_start_date_defaults_keep_the_draft_consistent():
    agreement = GrantAgreementFactory()

    assert agreement.start_date == timezone.localdate().replace(day=1)
    assert agreement.end_date > agreement.start_date

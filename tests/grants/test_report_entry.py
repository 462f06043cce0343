"""Filling in a report, and the checks that decide whether it can be submitted."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants.models import ReportAttachment, ServiceKind
from grants.services import (
    BeneficiaryCell,
    report_attach,
    report_detach,
    report_save,
)
from grants.validation import report_problems
from portal.models import Etrap, TargetGroup
from portal.validators import MAX_AMOUNT, MAX_COUNT
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import (
    PilotReportFactory,
    grantee_admin,
    grantee_member,
)
from tests.grants.report_content import content, save
from workflows.audit import history
from workflows.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [MemberRole.ADMIN, MemberRole.EDITOR])
def test_an_admin_or_editor_saves_the_report_as_ordinary_rows(role):
    report = PilotReportFactory(open=True)
    actor = (
        grantee_admin(report.agreement)
        if role == MemberRole.ADMIN
        else grantee_member(report.agreement, role)
    )

    row = save(report, actor)

    assert row.version == 2
    assert (row.beneficiaries_new, row.cases_active, row.achievements) == (
        5,
        6,
        "Older people get help at home twice a week.",
    )
    assert sorted(row.beneficiary_counts.values_list("sex", "new", "continuing")) == [
        ("female", 3, 2),
        ("male", 2, 0),
    ]
    assert dict(row.service_counts.values_list("kind", "count")) == {
        "home_visit": 24,
        "referral": 3,
    }
    assert set(row.target_values.values_list("value", flat=True)) == {5}
    assert set(row.expenditures.values_list("amount", flat=True)) == {Decimal("9000.00")}
    assert history(report).get(action="save").actor == actor
    assert report_problems(row) == []


def test_the_same_form_sent_twice_is_saved_once():
    report = PilotReportFactory(open=True)

    save(report)
    again = save(report)

    assert again.version == 2
    assert history(report).filter(action="save").count() == 1


def test_saving_again_replaces_the_rows():
    report = PilotReportFactory(open=True)
    first = save(report)

    save(first, beneficiaries=(), beneficiaries_new=0, beneficiaries_continuing=0)

    assert not report.beneficiary_counts.exists()


def test_empty_breakdown_rows_are_not_stored():
    report = PilotReportFactory(open=True)
    group, etrap = report.agreement.target_groups.first(), report.agreement.etraps.first()

    row = save(report, beneficiaries=(BeneficiaryCell(group, etrap, "male", "0_17"),))

    assert not row.beneficiary_counts.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"cases_opened": -1},
        {"services": {ServiceKind.CRISIS: -2}},
        {"beneficiaries_new": -5},
    ],
)
def test_negative_numbers_are_refused(changes):
    report = PilotReportFactory(open=True)

    with pytest.raises(DomainError) as error:
        save(report, **changes)

    assert error.value.code == "negative"
    report.refresh_from_db()
    assert report.version == 1


@pytest.mark.parametrize("number", [10**30, 2**63, 2**31, MAX_COUNT + 1])
def test_a_breakdown_count_past_the_maximum_is_refused_and_nothing_is_stored(number):
    report = PilotReportFactory(open=True)
    group, etrap = report.agreement.target_groups.first(), report.agreement.etraps.first()

    with pytest.raises(DomainError) as error:
        save(report, beneficiaries=(BeneficiaryCell(group, etrap, "male", "0_17", new=number),))

    assert error.value.code == "too_large"
    report.refresh_from_db()
    assert report.version == 1
    assert not report.beneficiary_counts.exists()


def test_an_expenditure_past_the_maximum_is_refused():
    report = PilotReportFactory(open=True)
    line = report.agreement.budget_lines.get()

    with pytest.raises(DomainError) as error:
        save(report, expenditures={line.pk: (MAX_AMOUNT + 1, "")})

    assert (error.value.code, error.value.field) == ("too_large", "expenditure")


def test_negative_expenditure_is_refused():
    report = PilotReportFactory(open=True)
    line = report.agreement.budget_lines.get()

    with pytest.raises(DomainError) as error:
        save(report, expenditures={line.pk: (Decimal("-1"), "")})

    assert (error.value.code, error.value.field) == ("negative", "expenditure")


def test_a_breakdown_outside_the_agreements_groups_or_etraps_is_refused():
    report = PilotReportFactory(open=True)
    group = TargetGroup.objects.exclude(pk__in=report.agreement.target_groups.all()).first()
    etrap = Etrap.objects.exclude(pk__in=report.agreement.etraps.all()).first()
    own_group, own_etrap = report.agreement.target_groups.first(), report.agreement.etraps.first()

    for cell in (
        BeneficiaryCell(group, own_etrap, "male", "0_17", new=1),
        BeneficiaryCell(own_group, etrap, "male", "0_17", new=1),
    ):
        with pytest.raises(DomainError) as error:
            save(report, beneficiaries=(cell,))
        assert error.value.code == "cell_outside"


def test_the_same_breakdown_cell_twice_is_refused():
    report = PilotReportFactory(open=True)
    group, etrap = report.agreement.target_groups.first(), report.agreement.etraps.first()
    cell = BeneficiaryCell(group, etrap, "female", "18_59", new=1)

    with pytest.raises(DomainError) as error:
        save(report, beneficiaries=(cell, cell))

    assert error.value.code == "cell_twice"


def test_another_agreements_target_or_budget_line_is_refused():
    report = PilotReportFactory(open=True)
    other = PilotReportFactory(open=True)

    with pytest.raises(DomainError) as error:
        save(report, target_values={other.agreement.targets.first().pk: 1})
    assert error.value.code == "foreign_target"

    with pytest.raises(DomainError) as error:
        save(report, expenditures={other.agreement.budget_lines.first().pk: (1, "")})
    assert error.value.code == "foreign_line"


def test_a_form_loaded_before_another_save_is_a_conflict():
    report = PilotReportFactory(open=True)
    save(report)

    with pytest.raises(ConflictError):
        report_save(
            actor=grantee_admin(report.agreement),
            report=report,
            content=content(report, challenges="Lost update"),
            seen_version=1,
        )

    report.refresh_from_db()
    assert report.challenges == "Winter roads."


@pytest.mark.parametrize("state", ["scheduled", "submitted", "accepted", "cancelled"])
def test_a_report_that_is_not_open_or_returned_cannot_be_changed(state):
    report = PilotReportFactory(**{state: True})

    with pytest.raises(DomainError) as error:
        save(report)

    assert error.value.code == "not_allowed"


def test_a_returned_report_can_be_changed():
    report = PilotReportFactory(returned=True)

    assert save(report).challenges == "Winter roads."


@pytest.mark.parametrize("who", ["viewer", "officer"])
def test_a_viewer_or_an_officer_cannot_fill_in_the_report(who, officer):
    report = PilotReportFactory(open=True)
    actor = grantee_member(report.agreement, MemberRole.VIEWER) if who == "viewer" else officer

    with pytest.raises(DomainError) as error:
        save(report, actor)

    assert error.value.code == "forbidden"


# Attachments


def test_an_editor_attaches_and_removes_a_document(django_capture_on_commit_callbacks):
    report = PilotReportFactory(open=True)
    editor = grantee_member(report.agreement)

    attachment = report_attach(
        actor=editor, report=report, uploaded_file=upload("png", name="visit.png"), title="Visit"
    )
    assert (attachment.title, attachment.mime, attachment.uploaded_by) == (
        "Visit",
        "image/png",
        editor,
    )
    assert history(report).get(action="attach").actor == editor

    with django_capture_on_commit_callbacks(execute=True):
        report_detach(actor=editor, report=report, attachment=attachment)
        report_detach(actor=editor, report=report, attachment=attachment)

    assert not ReportAttachment.objects.exists()
    assert history(report).filter(action="detach").count() == 1


def test_an_attachment_needs_a_title_and_a_real_document():
    report = PilotReportFactory(open=True)
    admin = grantee_admin(report.agreement)

    with pytest.raises(DomainError):
        report_attach(actor=admin, report=report, uploaded_file=upload("pdf"), title=" ")
    with pytest.raises(ValidationError):
        report_attach(
            actor=admin,
            report=report,
            uploaded_file=upload("pdf", content=b"#!/bin/sh\nrm -rf /"),
            title="Script",
        )

    assert not ReportAttachment.objects.exists()


def test_nothing_is_attached_to_a_submitted_report():
    report = PilotReportFactory(submitted=True)

    with pytest.raises(DomainError) as error:
        report_attach(
            actor=grantee_admin(report.agreement),
            report=report,
            uploaded_file=upload("pdf"),
            title="Late",
        )

    assert error.value.code == "not_allowed"
    assert not ReportAttachment.objects.exists()

"""The checks that decide whether a report can be submitted, section by section."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation

from grants.models import ReportSection, ServiceKind
from grants.validation import report_problems
from tests.factories.grants import (
    GrantBudgetLine,
    PilotReportFactory,
    fill_report,
)
from tests.grants.report_content import save

pytestmark = pytest.mark.django_db


# What submission needs


def problem_sections(report):
    return [(problem.section, problem.field) for problem in report_problems(report)]


def test_an_empty_report_lists_every_section_to_fill_in():
    report = PilotReportFactory(open=True)

    sections = [section for section, _field in problem_sections(report)]

    assert sections == [
        ReportSection.BENEFICIARIES,
        ReportSection.CASES,
        ReportSection.TARGETS,
        ReportSection.EXPENDITURE,
        ReportSection.NARRATIVE,
        ReportSection.NARRATIVE,
        ReportSection.NARRATIVE,
    ]


def test_a_breakdown_that_does_not_add_up_to_the_totals_is_named_with_both_numbers():
    report = save(PilotReportFactory(open=True), beneficiaries_new=7, beneficiaries_continuing=1)

    problems = report_problems(report)

    assert [(p.section, p.field) for p in problems] == [
        ("beneficiaries", "beneficiaries_new"),
        ("beneficiaries", "beneficiaries_continuing"),
    ]
    assert "5" in problems[0].message and "7" in problems[0].message


def test_other_services_need_a_description():
    report = save(PilotReportFactory(open=True), services={ServiceKind.OTHER: 2})

    assert problem_sections(report) == [("services", "services_other_description")]
    report = save(report, services={ServiceKind.OTHER: 2}, services_other_description="Meals")
    assert problem_sections(report) == []


def test_every_target_needs_this_periods_value():
    report = PilotReportFactory(open=True)
    report = save(report, target_values={})

    (problem,) = report_problems(report)

    assert problem.section == "targets"
    assert report.agreement.targets.first().label in problem.message


def test_every_budget_line_needs_its_expenditure():
    report = PilotReportFactory(open=True)
    line = report.agreement.budget_lines.get()

    report = save(report, expenditures={line.pk: (None, "")})

    assert problem_sections(report) == [("expenditure", "")]


def test_spending_more_than_the_tolerance_over_a_line_needs_an_explanation():
    report = PilotReportFactory(open=True)
    line = report.agreement.budget_lines.get()

    within = save(report, expenditures={line.pk: (Decimal("132000.00"), "")})
    assert problem_sections(within) == []

    over = save(within, expenditures={line.pk: (Decimal("132000.01"), "")})
    (problem,) = report_problems(over)
    assert (problem.section, problem.field) == ("expenditure", f"explanation_{line.pk}")
    assert "10" in problem.message

    explained = save(over, expenditures={line.pk: (Decimal("132000.01"), "Fuel prices rose.")})
    assert problem_sections(explained) == []


def test_spending_is_counted_over_the_period_reports_so_far():
    earlier = PilotReportFactory(accepted=True, number=1)
    line = earlier.agreement.budget_lines.get()
    earlier.expenditures.update(amount=Decimal("100000.00"))
    report = PilotReportFactory(open=True, agreement=earlier.agreement, number=2)

    report = save(report, expenditures={line.pk: (Decimal("40000.00"), "")})

    assert problem_sections(report) == [("expenditure", f"explanation_{line.pk}")]


@override_settings(GRANTS_OVERSPEND_TOLERANCE_PERCENT=0)
def test_the_tolerance_is_a_setting():
    report = PilotReportFactory(open=True)
    line = report.agreement.budget_lines.get()

    report = save(report, expenditures={line.pk: (Decimal("120000.01"), "")})

    assert problem_sections(report) == [("expenditure", f"explanation_{line.pk}")]


def test_a_line_with_no_budget_needs_an_explanation_for_any_spending():
    report = PilotReportFactory(open=True)
    planned = report.agreement.budget_lines.get()
    line = GrantBudgetLine.objects.create(
        agreement=report.agreement, position=2, category="other", description="Unplanned", amount=0
    )

    report = save(
        report,
        expenditures={planned.pk: (Decimal("10"), ""), line.pk: (Decimal("0.01"), "")},
    )

    assert problem_sections(report) == [("expenditure", f"explanation_{line.pk}")]


def test_a_blank_narrative_is_named_field_by_field():
    report = save(PilotReportFactory(open=True), achievements=" ", changes_observed="")

    assert problem_sections(report) == [
        ("narrative", "achievements"),
        ("narrative", "changes_observed"),
    ]


def test_the_factory_fills_a_report_that_passes_every_check():
    assert report_problems(fill_report(PilotReportFactory(open=True))) == []


def test_the_breakdown_problem_writes_large_numbers_as_russian_does():
    report = save(PilotReportFactory(open=True), beneficiaries_new=1500)

    with translation.override("ru"):
        message = report_problems(report)[0].message

    assert "1\u00a0500" in message

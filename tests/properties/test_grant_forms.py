"""Every form of the grants app survives generated input: agreements, reports, tranches and
the dashboard exports."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.forms.agreement import (
    AgreementFileForm,
    BudgetLineForm,
    DecisionForm,
    TargetForm,
    TermsForm,
    TrancheForm,
    VersionForm,
)
from grants.forms.report import (
    AcceptForm,
    AttachmentForm,
    BeneficiaryCellForm,
    ExpenditureForm,
    ReportMainForm,
    ReturnForm,
    ServicesForm,
    SpreadsheetForm,
    SubmitForm,
    TargetValuesForm,
)
from grants.forms.tranche import PaymentForm, TrancheStateForm
from grants.services import report_attach
from tests.factories.documents import upload
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    TrancheFactory,
    grantee_admin,
    officer,
)
from tests.properties.engine import Endpoint, Scene, profile
from tests.properties.strategies import post_data


def draft_for_officer():
    return Scene(officer(), {"pk": GrantAgreementFactory().pk})


def agreement_page(agreement, user):
    return Scene(user, {"pk": agreement.pk}, page=f"/grants/{agreement.pk}/")


def upload_scene():
    agreement = GrantAgreementFactory()
    return agreement_page(agreement, grantee_admin(agreement))


def confirm_scene():
    return agreement_page(GrantAgreementFactory(ready=True), officer())


def decide_scene(action, state):
    def scene():
        agreement = GrantAgreementFactory(**{state: True})
        result = agreement_page(agreement, officer())
        result.kwargs["action"] = action
        return result

    return scene


def report_scene(who, *, page=True, **traits):
    def scene():
        report = PilotReportFactory(**traits)
        user = officer() if who == "officer" else grantee_admin(report.agreement)
        return Scene(
            user, {"pk": report.pk}, page=f"/grants/reports/{report.pk}/" if page else None
        )

    return scene


def review_scene(action):
    def scene():
        result = report_scene("officer", submitted=True)()
        result.kwargs["action"] = action
        return result

    return scene


def detach_scene():
    report = PilotReportFactory(open=True, filled=True)
    admin = grantee_admin(report.agreement)
    attachment = report_attach(
        actor=admin, report=report, uploaded_file=upload("pdf"), title="Photos"
    )
    return Scene(
        admin,
        {"pk": report.pk, "attachment_pk": attachment.pk},
        page=f"/grants/reports/{report.pk}/",
    )


def tranche_scene(**traits):
    def scene():
        TrancheFactory(**traits)
        tranche = TrancheFactory(**traits)
        return Scene(officer(), {"pk": tranche.pk}, page="/grants/tranches/")

    return scene


def dashboard_scene(**kwargs):
    def scene():
        agreement = GrantAgreementFactory(active=True)
        kwargs_ = {
            key: agreement.pk if value == "grant" else value for key, value in kwargs.items()
        }
        page = f"/grants/dashboard/{agreement.pk}/" if "pk" in kwargs_ else "/grants/dashboard/"
        return Scene(officer(), kwargs_, page=page)

    return scene


ENDPOINTS = [
    Endpoint("grants:agreement_terms", draft_for_officer, (TermsForm,)),
    Endpoint("grants:agreement_budget", draft_for_officer, (VersionForm, BudgetLineForm)),
    Endpoint("grants:agreement_targets", draft_for_officer, (VersionForm, TargetForm)),
    Endpoint("grants:agreement_tranches", draft_for_officer, (VersionForm, TrancheForm)),
    Endpoint("grants:agreement_upload", upload_scene, (AgreementFileForm,)),
    Endpoint("grants:agreement_confirm", confirm_scene, (VersionForm,)),
    Endpoint(
        "grants:agreement_decide",
        decide_scene("activate", "signed"),
        (DecisionForm,),
        label="activate",
    ),
    Endpoint(
        "grants:agreement_decide",
        decide_scene("suspend", "active"),
        (DecisionForm,),
        label="suspend",
    ),
    Endpoint(
        "grants:agreement_decide",
        decide_scene("resume", "suspended"),
        (DecisionForm,),
        label="resume",
    ),
    Endpoint(
        "grants:agreement_decide",
        decide_scene("terminate", "active"),
        (DecisionForm,),
        label="terminate",
    ),
    Endpoint(
        "grants:report_edit",
        report_scene("grantee", page=False, open=True, filled=True),
        (ReportMainForm, BeneficiaryCellForm, ServicesForm, TargetValuesForm, ExpenditureForm),
    ),
    Endpoint(
        "grants:report_submit", report_scene("grantee", open=True, filled=True), (SubmitForm,)
    ),
    Endpoint("grants:report_review", review_scene("accept"), (AcceptForm,), label="accept"),
    Endpoint("grants:report_review", review_scene("return"), (ReturnForm,), label="return"),
    Endpoint("grants:report_attach", report_scene("grantee", open=True), (AttachmentForm,)),
    Endpoint("grants:report_detach", detach_scene),
    Endpoint(
        "grants:report_template_upload", report_scene("grantee", open=True), (SpreadsheetForm,)
    ),
    Endpoint("grants:tranche_approve", tranche_scene(eligible=True), (TrancheStateForm,)),
    Endpoint("grants:tranche_pay", tranche_scene(approved=True), (PaymentForm,)),
    Endpoint("grants:dashboard_xlsx", dashboard_scene()),
    Endpoint("grants:dashboard_csv", dashboard_scene(table="summary")),
    Endpoint("grants:dashboard_grant_xlsx", dashboard_scene(pk="grant")),
    Endpoint("grants:dashboard_grant_csv", dashboard_scene(pk="grant", table="summary")),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@profile()
@given(data=st.data())
def test_a_grants_form_never_fails_and_a_refusal_changes_nothing(target, data):
    target.send(data.draw(post_data(target.form, target.fields)))

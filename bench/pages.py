"""The pages the benchmark requests, found in the scale programme, with who requests them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    username: str = ""


def pages():
    """The floor first, then every measured page; the programme must be built."""
    from grants.models import GrantAgreement, PilotReport, ReportState
    from portal.models import Velayat
    from providers.models import MemberRole, Membership
    from tenders.models import Bid, Evaluation, PanelMember, Tender

    published = Tender.objects.filter(state=Tender.State.PUBLISHED).order_by("pk").first()
    draft_bid = Bid.objects.filter(state="draft", tender__state="published").order_by("pk").first()
    admin = (
        Membership.objects.filter(provider=draft_bid.provider, role=MemberRole.ADMIN)
        .order_by("pk")
        .first()
        .user
    )
    scoring = Evaluation.objects.filter(state="scoring").order_by("pk").first()
    evaluator = PanelMember.objects.filter(evaluation=scoring, role="evaluator").first().user
    completed = Evaluation.objects.filter(state="completed").order_by("pk").first()
    chair = PanelMember.objects.filter(evaluation=completed, role="chair").first().user
    officer = completed.tender.created_by.username
    report = PilotReport.objects.filter(state=ReportState.SUBMITTED).order_by("pk").first()
    grant_officer = report.agreement.officer_confirmed_by.username
    velayat = Velayat.objects.filter(pk__in=GrantAgreement.objects.values("velayat")).first()
    return [
        Page("floor", "/bench/floor/"),
        Page("public tender list", "/tenders/"),
        Page("tender notice", f"/tenders/{published.pk}/"),
        Page("NGO home", "/", admin.username),
        Page("bid form", f"/tenders/bids/{draft_bid.pk}/proposal/", admin.username),
        Page("officer bid list", f"/tenders/manage/{completed.tender_id}/bids/", officer),
        Page("opening record", f"/tenders/manage/{completed.tender_id}/", officer),
        Page("score sheet", f"/tenders/evaluations/{scoring.pk}/sheet/", evaluator.username),
        Page("evaluation report", f"/tenders/evaluations/{completed.pk}/report/", chair.username),
        Page("grant list", "/grants/", grant_officer),
        Page("report review", f"/grants/reports/{report.pk}/", grant_officer),
        Page("dashboard", "/grants/dashboard/", grant_officer),
        Page(
            "dashboard, one velayat",
            f"/grants/dashboard/?velayat={velayat.pk}",
            grant_officer,
        ),
    ]

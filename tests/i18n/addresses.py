"""The addresses of the demo's own records: every URL pattern that takes parameters, filled in
from the objects ``load_demo`` wrote (tenders, bids, evaluations, agreements, reports,
tranches, organisations...), so each role's crawl can start from every page of its records."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode

from grants.models import AgreementDocument, GrantAgreement, PilotReport, ReportAttachment, Tranche
from portal.models import ApiToken, User
from providers.models import (
    Invitation,
    Membership,
    Provider,
    ProviderDocument,
    StaffMember,
    TrainingCertificate,
)
from tenders.models import (
    AwardDecision,
    Bid,
    BidBudgetLine,
    BidDocument,
    BidStaff,
    Clarification,
    Evaluation,
    Objection,
    ObjectionDocument,
    Release,
    ScoreSheet,
    Tender,
    TenderDocument,
)
from tenders.opendata.bulk import NAMES
from workflows.models import FileJob, Notification

# Records of each kind whose pages are read: the first and the last, often in other states.
SAMPLE = 2


def sample(queryset):
    rows = list(queryset.order_by("pk"))
    return rows[:1] + rows[1:][-(SAMPLE - 1) :] if rows else []


def by_pk(model, **filters):
    return [{"pk": row.pk} for row in sample(model.objects.filter(**filters))]


def ocids():
    return [{"ocid": row.ocid} for row in sample(Release.objects.all())]


def tenders(name="pk"):
    return [{name: row.pk} for row in sample(Tender.objects.all())]


def bids(name="pk"):
    return [{name: row.pk} for row in sample(Bid.objects.all())]


def evaluation_bids():
    return [
        {"pk": evaluation.pk, "bid_pk": bid.pk}
        for evaluation in sample(Evaluation.objects.all())
        for bid in sample(evaluation.tender.bids.all())
    ]


def password_reset():
    user = User.objects.get(username="ngo")
    return [
        {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    ]


# The demo's people who sign in: an API address of a record is read by its own people only.
PEOPLE = (
    "procurement",
    "evaluator1",
    "panelchair",
    "approver",
    "grants",
    "admin",
    "nrcst",
    "yenme",
    "ngo",
)


def own_providers():
    memberships = Membership.objects.filter(user__username__in=PEOPLE).order_by("provider_id")
    return [{"pk": pk} for pk in sorted(set(memberships.values_list("provider_id", flat=True)))]


def own_notifications():
    return by_pk(Notification, recipient__username__in=PEOPLE)


def child(model, parent, name):
    """Kwargs of ``model`` rows under their ``parent`` (a foreign key): ``pk`` the parent's,
    ``name`` the row's."""
    return [
        {"pk": getattr(row, f"{parent}_id"), name: row.pk} for row in sample(model.objects.all())
    ]


KWARGS = {
    "api_token_revoke": lambda: by_pk(ApiToken),
    "api:tender-detail": tenders,
    "api:tender-publish": tenders,
    "api:tender-cancel": tenders,
    "api:tender-amend": tenders,
    "api:tender-opening": tenders,
    "api:tender-committee": tenders,
    "api:notification-detail": own_notifications,
    "api:notification-read": own_notifications,
    "api:clarification-detail": lambda: by_pk(Clarification),
    "api:clarification-answer": lambda: by_pk(Clarification),
    "api:provider-detail": own_providers,
    "api:provider-submit": own_providers,
    **{
        f"api:provider-{name}": lambda: by_pk(Provider)
        for name in ("verify", "return", "reject", "suspend", "reinstate")
    },
    "api:bid-detail": bids,
    "api:bid-proposal": bids,
    "api:bid-staff": bids,
    "api:bid-budget-lines": bids,
    "api:bid-submit": bids,
    "api:bid-withdraw": bids,
    "api:bid-reconfirm": bids,
    "api:bid-documents": bids,
    "api:bid-unstaff": lambda: [
        {"pk": row.bid_id, "item": row.staff_member_id} for row in sample(BidStaff.objects.all())
    ],
    "api:bid-budget-line-remove": lambda: [
        {"pk": row.bid_id, "item": row.pk} for row in sample(BidBudgetLine.objects.all())
    ],
    "api:bid-document-remove": lambda: [
        {"pk": row.bid_id, "item": row.pk} for row in sample(BidDocument.objects.all())
    ],
    "api:evaluation-detail": lambda: by_pk(Evaluation),
    "api:evaluation-complete": lambda: by_pk(Evaluation),
    **{
        f"api:evaluation-{name}": lambda: by_pk(Evaluation)
        for name in (
            "declare",
            "end",
            "invite",
            "members",
            "moderation",
            "propose-award",
            "replace",
            "screening",
            "start",
        )
    },
    "api:objection-detail": lambda: by_pk(Objection),
    "api:objection-resolve": lambda: by_pk(Objection),
    "api:score-sheet-detail": lambda: by_pk(ScoreSheet, state="submitted"),
    "api:score-sheet-submit": lambda: by_pk(ScoreSheet),
    "api:score-sheet-scores": lambda: by_pk(ScoreSheet),
    "api:score-sheet-return": lambda: by_pk(ScoreSheet),
    "api:award-detail": lambda: by_pk(AwardDecision),
    "api:award-approve": lambda: by_pk(AwardDecision),
    "api:award-send-back": lambda: by_pk(AwardDecision),
    "api:agreement-detail": lambda: by_pk(GrantAgreement),
    "api:agreement-confirm": lambda: by_pk(GrantAgreement),
    "api:agreement-suspend": lambda: by_pk(GrantAgreement),
    "api:agreement-resume": lambda: by_pk(GrantAgreement),
    "api:agreement-terminate": lambda: by_pk(GrantAgreement),
    **{
        f"api:agreement-{name}": lambda: by_pk(GrantAgreement)
        for name in ("terms", "budget", "targets", "tranches", "file")
    },
    "api:report-detail": lambda: by_pk(PilotReport),
    "api:report-submit": lambda: by_pk(PilotReport),
    "api:report-return": lambda: by_pk(PilotReport),
    "api:report-accept": lambda: by_pk(PilotReport),
    "api:report-content": lambda: by_pk(PilotReport),
    "api:report-attachments": lambda: by_pk(PilotReport),
    "api:report-detach": lambda: [
        {"pk": row.report_id, "attachment": row.pk}
        for row in sample(ReportAttachment.objects.all())
    ],
    "api:tranche-detail": lambda: by_pk(Tranche),
    "api:tranche-approve": lambda: by_pk(Tranche),
    "api:tranche-pay": lambda: by_pk(Tranche),
    "workflows:notification_read": lambda: by_pk(Notification),
    "workflows:file_job": lambda: by_pk(FileJob),
    "workflows:file_job_status": lambda: by_pk(FileJob),
    "workflows:file_job_retry": lambda: by_pk(FileJob),
    "workflows:file_job_download": lambda: by_pk(FileJob),
    "api:file-job-detail": lambda: by_pk(FileJob),
    "api:file-job-retry": lambda: by_pk(FileJob),
    "providers:member_role": lambda: by_pk(Membership),
    "providers:member_remove": lambda: by_pk(Membership),
    "providers:invitation_withdraw": lambda: by_pk(Invitation),
    "providers:invitation": lambda: [
        {"token": row.token} for row in sample(Invitation.objects.all())
    ],
    "providers:document_download": lambda: by_pk(ProviderDocument),
    "providers:document_remove": lambda: by_pk(ProviderDocument),
    "providers:staff_edit": lambda: by_pk(StaffMember),
    "providers:training_add": lambda: by_pk(StaffMember),
    "providers:certificate_download": lambda: by_pk(TrainingCertificate),
    "providers:review": lambda: by_pk(Provider),
    "providers:decide": lambda: [
        {"pk": row["pk"], "action": action}
        for row in by_pk(Provider)
        for action in ("verify", "return")
    ],
    "tenders:detail": tenders,
    "tenders:document": lambda: child(TenderDocument, "tender", "document_pk"),
    "tenders:ask": tenders,
    "tenders:manage_detail": tenders,
    "tenders:edit": tenders,
    "tenders:publish": tenders,
    "tenders:committee": tenders,
    "tenders:opening": tenders,
    "tenders:cancel": tenders,
    "tenders:amend": tenders,
    "tenders:questions": tenders,
    "tenders:answer": lambda: by_pk(Clarification),
    "tenders:tender_bids": lambda: tenders("tender_pk"),
    "tenders:bid_start": lambda: tenders("tender_pk"),
    "tenders:bid_detail": bids,
    "tenders:bid_proposal": bids,
    "tenders:bid_staff": bids,
    "tenders:bid_staff_remove": lambda: [
        {"pk": row.bid_id, "staff_pk": row.staff_member_id}
        for row in sample(BidStaff.objects.all())
    ],
    "tenders:bid_budget": bids,
    "tenders:bid_budget_remove": lambda: child(BidBudgetLine, "bid", "line_pk"),
    "tenders:bid_documents": bids,
    "tenders:bid_document": lambda: child(BidDocument, "bid", "document_pk"),
    "tenders:bid_document_remove": lambda: child(BidDocument, "bid", "document_pk"),
    "tenders:bid_submit": bids,
    "tenders:bid_withdraw": bids,
    "tenders:bid_reconfirm": bids,
    "tenders:bid_receipt": bids,
    "tenders:bid_package": bids,
    "tenders:evaluation_manage": lambda: tenders("tender_pk"),
    "tenders:evaluation_member_add": lambda: tenders("tender_pk"),
    "tenders:evaluation_member_replace": lambda: tenders("tender_pk"),
    "tenders:evaluation_member_invite": lambda: tenders("tender_pk"),
    "tenders:evaluation_home": lambda: by_pk(Evaluation),
    "tenders:evaluation_declare": lambda: by_pk(Evaluation),
    "tenders:evaluation_start": lambda: by_pk(Evaluation),
    "tenders:evaluation_end": lambda: by_pk(Evaluation),
    "tenders:evaluation_screening": evaluation_bids,
    "tenders:evaluation_bid": evaluation_bids,
    "tenders:evaluation_bid_document": lambda: [
        {"pk": evaluation.pk, "bid_pk": document.bid_id, "document_pk": document.pk}
        for evaluation in sample(Evaluation.objects.all())
        for document in sample(BidDocument.objects.filter(bid__tender=evaluation.tender))
    ],
    "tenders:evaluation_sheet": lambda: by_pk(Evaluation),
    "tenders:evaluation_sheet_submit": lambda: by_pk(Evaluation),
    "tenders:evaluation_scores": lambda: by_pk(Evaluation),
    "tenders:evaluation_sheet_return": lambda: child(ScoreSheet, "evaluation", "sheet_pk"),
    "tenders:evaluation_moderation": lambda: [
        {"pk": row["pk"], "bid_pk": row["bid_pk"], "criterion_pk": criterion.pk}
        for row in evaluation_bids()
        for criterion in sample(Evaluation.objects.get(pk=row["pk"]).tender.criteria.all())
    ],
    "tenders:evaluation_complete": lambda: by_pk(Evaluation),
    "tenders:evaluation_report": lambda: by_pk(Evaluation),
    "tenders:evaluation_report_pdf": lambda: by_pk(Evaluation),
    "tenders:evaluation_report_xlsx": lambda: by_pk(Evaluation),
    "tenders:award_propose": lambda: by_pk(Evaluation),
    "tenders:award_decision": lambda: by_pk(AwardDecision),
    "tenders:award_approve": lambda: by_pk(AwardDecision),
    "tenders:award_send_back": lambda: by_pk(AwardDecision),
    "tenders:bid_outcome": lambda: bids("bid_pk"),
    "tenders:objection": lambda: by_pk(Objection),
    "tenders:objection_document": lambda: child(ObjectionDocument, "objection", "document_pk"),
    "tenders:award_notice": lambda: tenders("tender_pk"),
    "grants:agreement": lambda: by_pk(GrantAgreement),
    "grants:agreement_terms": lambda: by_pk(GrantAgreement),
    "grants:agreement_budget": lambda: by_pk(GrantAgreement),
    "grants:agreement_targets": lambda: by_pk(GrantAgreement),
    "grants:agreement_tranches": lambda: by_pk(GrantAgreement),
    "grants:agreement_upload": lambda: by_pk(GrantAgreement),
    "grants:agreement_file": lambda: [
        {"pk": row.agreement_id, "document_pk": row.pk}
        for row in sample(AgreementDocument.objects.all())
    ],
    "grants:agreement_confirm": lambda: by_pk(GrantAgreement),
    "grants:agreement_decide": lambda: [
        {"pk": row["pk"], "action": "suspend"} for row in by_pk(GrantAgreement)
    ],
    "grants:report": lambda: by_pk(PilotReport),
    "grants:report_edit": lambda: by_pk(PilotReport),
    "grants:report_submit": lambda: by_pk(PilotReport),
    "grants:report_review": lambda: [
        {"pk": row["pk"], "action": "return"} for row in by_pk(PilotReport)
    ],
    "grants:report_attach": lambda: by_pk(PilotReport),
    "grants:report_attachment": lambda: child(ReportAttachment, "report", "attachment_pk"),
    "grants:report_detach": lambda: child(ReportAttachment, "report", "attachment_pk"),
    "grants:report_template": lambda: by_pk(PilotReport),
    "grants:report_template_upload": lambda: by_pk(PilotReport),
    "grants:tranche_approve": lambda: by_pk(Tranche),
    "grants:tranche_pay": lambda: by_pk(Tranche),
    "grants:dashboard_csv": lambda: [{"table": "targets"}],
    "grants:dashboard_grant": lambda: by_pk(GrantAgreement),
    "grants:dashboard_grant_csv": lambda: [
        {"pk": row["pk"], "table": "targets"} for row in by_pk(GrantAgreement)
    ],
    "grants:dashboard_grant_xlsx": lambda: by_pk(GrantAgreement),
    "password_reset_confirm": password_reset,
    # A link that is not valid answers with the page that offers a new one.
    "signup_confirm": lambda: [{"token": "not-a-valid-link"}],
    "opendata:record": ocids,
    "opendata:bulk": lambda: [{"name": name} for name in NAMES.values()],
}


# Pages reached through a form rather than a link: the search, for a word the demo's records
# hold, so that its results of every kind are read too.
SEARCHES = ["Ashgabat", "support"]


def demo_addresses(routes):
    """``(addresses, unfilled)``: the paths of every route of ``routes`` (``{name: pattern}``)
    filled in from the demo's records, and the routes with parameters that ``KWARGS`` cannot
    fill (no entry, or no such record in the demo)."""
    addresses, unfilled = [], []
    for name, pattern in routes.items():
        if "<" not in pattern:
            addresses.append(reverse(name))
            continue
        kwargs = KWARGS[name]() if name in KWARGS else []
        addresses.extend(reverse(name, kwargs=values) for values in kwargs)
        if not kwargs:
            unfilled.append(name)
    addresses.extend(f"{reverse('search')}?{urlencode({'q': word})}" for word in SEARCHES)
    return addresses, unfilled

from django.urls import path

from tenders.views import (
    bid,
    bid_actions,
    bid_package,
    bid_parts,
    clarification,
    committee,
    integrity,
    opening,
    public,
    tender,
)

app_name = "tenders"

urlpatterns = [
    path("", public.tender_list, name="list"),
    path("<int:pk>/", public.tender_detail, name="detail"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        public.document_download,
        name="document",
    ),
    path("<int:pk>/questions/ask/", public.question_ask, name="ask"),
    path("manage/", tender.my_tenders, name="manage"),
    path("manage/new/", tender.tender_create_view, name="create"),
    path("manage/integrity/", integrity.integrity, name="integrity"),
    path("manage/integrity.csv", integrity.integrity_csv, name="integrity_csv"),
    path("manage/etraps/", tender.etrap_options, name="etrap_options"),
    path("manage/<int:pk>/", tender.tender_manage, name="manage_detail"),
    path("manage/<int:pk>/edit/", tender.tender_edit, name="edit"),
    path("manage/<int:pk>/publish/", tender.tender_publish_view, name="publish"),
    path("manage/<int:pk>/committee/", committee.tender_committee, name="committee"),
    path("<int:pk>/opening/", opening.tender_opening, name="opening"),
    path("opening/passphrase/", committee.opening_passphrase, name="opening_passphrase"),
    path("manage/<int:pk>/cancel/", tender.tender_cancel_view, name="cancel"),
    path("manage/<int:pk>/amend/", tender.tender_amend_view, name="amend"),
    path("manage/<int:pk>/questions/", clarification.questions, name="questions"),
    path("manage/questions/<int:pk>/answer/", clarification.answer, name="answer"),
    path("manage/<int:tender_pk>/bids/", bid_actions.tender_bids, name="tender_bids"),
    path("<int:tender_pk>/bid/", bid.bid_start, name="bid_start"),
    path("bids/", bid.my_bids, name="bid_list"),
    path("bids/<int:pk>/", bid.bid_detail, name="bid_detail"),
    path("bids/<int:pk>/proposal/", bid.bid_proposal, name="bid_proposal"),
    path("bids/<int:pk>/staff/", bid_parts.bid_staff, name="bid_staff"),
    path(
        "bids/<int:pk>/staff/<int:staff_pk>/remove/",
        bid_parts.bid_staff_remove_view,
        name="bid_staff_remove",
    ),
    path("bids/<int:pk>/budget/", bid_parts.bid_budget, name="bid_budget"),
    path(
        "bids/<int:pk>/budget/<int:line_pk>/remove/",
        bid_parts.bid_budget_remove,
        name="bid_budget_remove",
    ),
    path("bids/<int:pk>/documents/", bid_parts.bid_documents, name="bid_documents"),
    path(
        "bids/<int:pk>/documents/<int:document_pk>/",
        bid_parts.bid_document_download,
        name="bid_document",
    ),
    path(
        "bids/<int:pk>/documents/<int:document_pk>/remove/",
        bid_parts.bid_document_remove_view,
        name="bid_document_remove",
    ),
    path("bids/<int:pk>/submit/", bid_actions.bid_submit_view, name="bid_submit"),
    path("bids/<int:pk>/withdraw/", bid_actions.bid_withdraw_view, name="bid_withdraw"),
    path("bids/<int:pk>/reconfirm/", bid_actions.bid_reconfirm_view, name="bid_reconfirm"),
    path("bids/<int:pk>/receipt/", bid_actions.bid_receipt, name="bid_receipt"),
    path("bids/<int:pk>/package/", bid_package.bid_package, name="bid_package"),
]

# Evaluation and award.
from tenders.views import (  # noqa: E402
    award,
    award_objection,
    evaluation,
    evaluation_chair,
    evaluation_members,
    evaluation_panel,
    evaluation_report,
)

urlpatterns += [
    path(
        "manage/<int:tender_pk>/evaluation/",
        evaluation.evaluation_manage,
        name="evaluation_manage",
    ),
    path(
        "manage/<int:tender_pk>/evaluation/members/",
        evaluation.panel_member_add_view,
        name="evaluation_member_add",
    ),
    path(
        "manage/<int:tender_pk>/evaluation/members/replace/",
        evaluation_members.panel_member_replace_view,
        name="evaluation_member_replace",
    ),
    path(
        "manage/<int:tender_pk>/evaluation/members/invite/",
        evaluation_members.panel_member_invite_view,
        name="evaluation_member_invite",
    ),
    path("evaluations/", evaluation_panel.my_evaluations, name="evaluation_list"),
    path("evaluations/<int:pk>/", evaluation_panel.evaluation_home, name="evaluation_home"),
    path(
        "evaluations/<int:pk>/declare/",
        evaluation_panel.declaration_view,
        name="evaluation_declare",
    ),
    path(
        "evaluations/<int:pk>/start/",
        evaluation.evaluation_start_view,
        name="evaluation_start",
    ),
    path("evaluations/<int:pk>/end/", evaluation.evaluation_end_view, name="evaluation_end"),
    path(
        "evaluations/<int:pk>/screening/<int:bid_pk>/",
        evaluation.screening_view,
        name="evaluation_screening",
    ),
    path(
        "evaluations/<int:pk>/bids/<int:bid_pk>/",
        evaluation_panel.panel_bid_view,
        name="evaluation_bid",
    ),
    path(
        "evaluations/<int:pk>/bids/<int:bid_pk>/documents/<int:document_pk>/",
        evaluation_panel.panel_bid_document,
        name="evaluation_bid_document",
    ),
    path("evaluations/<int:pk>/sheet/", evaluation_panel.sheet_view, name="evaluation_sheet"),
    path(
        "evaluations/<int:pk>/sheet/submit/",
        evaluation_panel.sheet_submit_view,
        name="evaluation_sheet_submit",
    ),
    path("evaluations/<int:pk>/scores/", evaluation_panel.panel_scores, name="evaluation_scores"),
    path(
        "evaluations/<int:pk>/sheets/<int:sheet_pk>/return/",
        evaluation_chair.sheet_return_view,
        name="evaluation_sheet_return",
    ),
    path(
        "evaluations/<int:pk>/moderation/<int:bid_pk>/<int:criterion_pk>/",
        evaluation_chair.moderation_view,
        name="evaluation_moderation",
    ),
    path(
        "evaluations/<int:pk>/complete/",
        evaluation_chair.evaluation_complete_view,
        name="evaluation_complete",
    ),
    path("evaluations/<int:pk>/report/", evaluation_report.report, name="evaluation_report"),
    path(
        "evaluations/<int:pk>/report.pdf",
        evaluation_report.report_pdf,
        name="evaluation_report_pdf",
    ),
    path(
        "evaluations/<int:pk>/report.xlsx",
        evaluation_report.report_xlsx,
        name="evaluation_report_xlsx",
    ),
    path(
        "evaluations/<int:pk>/award/propose/",
        award.award_propose_view,
        name="award_propose",
    ),
    path("awards/", award.award_list, name="award_list"),
    path("awards/<int:pk>/", award.award_decision, name="award_decision"),
    path("awards/<int:pk>/approve/", award.award_approve_view, name="award_approve"),
    path("awards/<int:pk>/send-back/", award.award_send_back_view, name="award_send_back"),
    path("bids/<int:bid_pk>/outcome/", award_objection.bid_outcome, name="bid_outcome"),
    path("objections/<int:pk>/", award_objection.objection_view, name="objection"),
    path(
        "objections/<int:pk>/documents/<int:document_pk>/",
        award_objection.objection_document,
        name="objection_document",
    ),
    path("<int:tender_pk>/award/", award.award_notice, name="award_notice"),
]

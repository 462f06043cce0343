from django.urls import path

from grants.views import agreements, dashboard, draft, report_sheets, reports, tranches

app_name = "grants"

urlpatterns = [
    path("", agreements.agreement_list, name="agreements"),
    path("<int:pk>/", agreements.agreement_detail, name="agreement"),
    path("<int:pk>/terms/", draft.agreement_terms, name="agreement_terms"),
    path("<int:pk>/budget/", draft.agreement_rows, {"part": "budget"}, name="agreement_budget"),
    path("<int:pk>/targets/", draft.agreement_rows, {"part": "targets"}, name="agreement_targets"),
    path(
        "<int:pk>/tranches/",
        draft.agreement_rows,
        {"part": "tranches"},
        name="agreement_tranches",
    ),
    path("<int:pk>/file/", agreements.agreement_upload, name="agreement_upload"),
    path("<int:pk>/file/<int:document_pk>/", agreements.agreement_file, name="agreement_file"),
    path("<int:pk>/confirm/", agreements.agreement_confirm, name="agreement_confirm"),
    path("<int:pk>/decide/<slug:action>/", agreements.agreement_decide, name="agreement_decide"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", reports.report_send, name="report_submit"),
    path("reports/<int:pk>/review/<slug:action>/", reports.report_review, name="report_review"),
    path(
        "reports/<int:pk>/attachments/",
        reports.report_attachment_add,
        name="report_attach",
    ),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/",
        reports.report_attachment,
        name="report_attachment",
    ),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/remove/",
        reports.report_attachment_remove,
        name="report_detach",
    ),
    path(
        "reports/<int:pk>/template.xlsx",
        report_sheets.report_template_download,
        name="report_template",
    ),
    path(
        "reports/<int:pk>/template/",
        report_sheets.report_template_upload,
        name="report_template_upload",
    ),
    path("tranches/", tranches.tranche_list, name="tranches"),
    path("tranches/<int:pk>/approve/", tranches.tranche_approval, name="tranche_approve"),
    path("tranches/<int:pk>/payment/", tranches.tranche_payment, name="tranche_pay"),
]

urlpatterns += [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard/export/<slug:table>.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/<int:pk>/", dashboard.dashboard_grant, name="dashboard_grant"),
    path(
        "dashboard/<int:pk>/export.xlsx",
        dashboard.dashboard_grant_xlsx,
        name="dashboard_grant_xlsx",
    ),
    path(
        "dashboard/<int:pk>/export/<slug:table>.csv",
        dashboard.dashboard_grant_csv,
        name="dashboard_grant_csv",
    ),
]

"""The REST API's settings: who may call it, how its answers are shaped, and its schema."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttles.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social contracting portal API",
    "DESCRIPTION": "Tenders, bids, evaluations, awards, grant agreements, reports and tranches.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_refusals",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TenderState": "tenders.models.Tender.State",
        "BidState": "tenders.models.Bid.State",
        "AgreementState": "grants.models.AgreementState",
        "ProviderState": "providers.models.ProviderState",
        "EvaluationState": "tenders.models.Evaluation.State",
        "ScoreSheetState": "tenders.models.ScoreSheet.State",
        "AwardDecisionState": "tenders.models.AwardDecision.State",
        "ReportState": "grants.models.ReportState",
        "TrancheState": "grants.models.TrancheState",
        "ObjectionState": "tenders.models.Objection.State",
        "YesNo": [("yes", "yes"), ("no", "no")],
    },
}

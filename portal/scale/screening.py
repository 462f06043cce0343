"""Evaluations of the scale programme opened and screened in bulk, with the rows and audit
entries ``evaluation_create`` and ``screening_decide`` write: the evaluation, one screening
per opened bid with the portal's findings, the entry ``create``, then each screening decided
eligible by the officer (every line confirmed, a failed finding overridden with a reason) and
its entry ``screening_decided``."""

import datetime

from django.utils import timezone

from portal.scale.audit import record_all
from tenders.localtime import local
from tenders.models import Evaluation, Screening, ScreeningLine
from tenders.services.evaluation.panel import SETTINGS
from tenders.services.evaluation.screening import portal_findings
from workflows import audit

OVERRIDE_REASON = "Checked on paper."


class Findings:
    """``portal_findings`` once per organisation and day: the programme's organisations are
    all verified, with their documents and staff, before the first tender is built, and none
    changes while the tenders are, so one organisation's findings are the same all day."""

    def __init__(self):
        self.known = {}

    def of(self, bid, tender):
        key = (
            bid.provider_id,
            tuple(tender.required_document_types or ()),
            tender.min_trained_staff,
            local(tender.submission_deadline).date(),
        )
        if key not in self.known:
            self.known[key] = portal_findings(bid, tender)
        return self.known[key]


def open_and_screen(tender, bids, findings):
    """Open the evaluation of the closed, opened ``tender`` by its officer and screen every
    bid of ``bids`` (its submitted bids, in order of receipt) eligible; return the evaluation."""
    officer = tender.created_by
    deadline = tender.closed_at + datetime.timedelta(days=14)
    evaluation = Evaluation(tender=tender, deadline=deadline, created_by=officer)
    evaluation.save()
    screenings = Screening.objects.bulk_create(
        Screening(evaluation=evaluation, bid=bid) for bid in bids
    )
    lines = {}
    for screening, bid in zip(screenings, bids, strict=True):
        lines[screening] = [
            ScreeningLine(
                screening=screening,
                code=code,
                position=position,
                portal_passed=passed,
                portal_detail=detail,
                passed=True,
                reason="" if passed else OVERRIDE_REASON,
            )
            for position, (code, passed, detail) in enumerate(findings.of(bid, tender))
        ]
    ScreeningLine.objects.bulk_create(line for group in lines.values() for line in group)
    audit.record(
        evaluation,
        "create",
        actor=officer,
        target_state=evaluation.state,
        data={
            "deadline": deadline.isoformat(),
            **{name: str(getattr(evaluation, name)) for name in SETTINGS},
        },
    )
    now = timezone.now()
    for screening in screenings:
        screening.eligible, screening.decided_by, screening.decided_at = True, officer, now
    Screening.objects.bulk_update(screenings, ["eligible", "decided_by", "decided_at"])
    record_all(
        [
            (
                evaluation,
                "screening_decided",
                {
                    "bid": screening.bid_id,
                    "eligible": True,
                    "lines": [
                        {
                            "code": line.code,
                            "portal": line.portal_passed,
                            "decided": line.passed,
                            "reason": line.reason,
                        }
                        for line in group
                    ],
                },
            )
            for screening, group in lines.items()
        ],
        actor=officer,
    )
    return evaluation

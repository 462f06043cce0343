"""The monitoring dashboard's service users per target group, through the dashboard's own
query (``grants.dashboard.figures.beneficiaries_by_target_group`` over what a grant officer
monitors) and through a hand-written SQL aggregate of the same figures, with the time of each
(the best of several runs) and whether both gave the same rows."""

import time

from django.db import connection

RUNS = 5

HAND_WRITTEN = """
WITH agreements AS (
    SELECT id FROM {agreement} WHERE state <> %(draft)s
), counted AS (
    SELECT r.id FROM {report} r JOIN agreements a ON a.id = r.agreement_id
    WHERE r.state = %(accepted)s AND (
        r.kind = %(final)s OR NOT EXISTS (
            SELECT 1 FROM {report} f
            WHERE f.agreement_id = r.agreement_id AND f.kind = %(final)s
              AND f.state = %(accepted)s
        )
    )
), targets AS (
    SELECT t.target_group_id, SUM(t.number) AS target
    FROM {target} t JOIN agreements a ON a.id = t.agreement_id
    WHERE t.measure = %(beneficiaries)s GROUP BY t.target_group_id
), reached AS (
    SELECT c.target_group_id, SUM(c.new) AS reached
    FROM {cell} c JOIN counted r ON r.id = c.report_id GROUP BY c.target_group_id
)
SELECT g.id, COALESCE(t.target, 0), COALESCE(n.reached, 0)
FROM {group} g
LEFT JOIN targets t ON t.target_group_id = g.id
LEFT JOIN reached n ON n.target_group_id = g.id
WHERE COALESCE(t.target, 0) > 0 OR COALESCE(n.reached, 0) > 0
ORDER BY g.id
"""


def best(work):
    """``(result, seconds)``: the last result of ``work()`` and its fastest of ``RUNS`` runs."""
    fastest, result = None, None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
        fastest = seconds if fastest is None else min(fastest, seconds)
    return result, fastest


def measure():
    from grants.dashboard.figures import beneficiaries_by_target_group, dashboard_agreements
    from grants.models import (
        AgreementState,
        GrantAgreement,
        GrantTarget,
        PilotReport,
        ReportBeneficiaryCount,
        ReportKind,
        ReportState,
        TargetMeasure,
    )
    from portal.models import TargetGroup, User

    officer = User.objects.get(username="scale-grants1")
    agreements = dashboard_agreements(officer)

    def dashboard():
        rows = beneficiaries_by_target_group(agreements)
        return sorted((row.pk, row.target, row.reached) for row in rows)

    query = HAND_WRITTEN.format(
        agreement=GrantAgreement._meta.db_table,
        report=PilotReport._meta.db_table,
        target=GrantTarget._meta.db_table,
        cell=ReportBeneficiaryCount._meta.db_table,
        group=TargetGroup._meta.db_table,
    )
    parameters = {
        "draft": AgreementState.DRAFT,
        "accepted": ReportState.ACCEPTED,
        "final": ReportKind.FINAL,
        "beneficiaries": TargetMeasure.BENEFICIARIES,
    }

    def hand_written():
        with connection.cursor() as cursor:
            cursor.execute(query, parameters)
            return [tuple(row) for row in cursor.fetchall()]

    ours, ours_seconds = best(dashboard)
    theirs, sql_seconds = best(hand_written)
    return {
        "dashboard by target group": {
            "rows": len(ours),
            "same_figures": ours == theirs,
            "dashboard_ms": round(ours_seconds * 1000, 1),
            "sql_ms": round(sql_seconds * 1000, 1),
            "ratio": round(ours_seconds / sql_seconds, 2) if sql_seconds else None,
            "target_ratio": 1.5,
        }
    }

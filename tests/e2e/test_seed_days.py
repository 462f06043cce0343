"""Each role's day on the seed programme's own data, in Turkmen, Russian and English.

``load_demo`` writes the Ashgabat pilot programme; each of its people signs in, picks a language
with the switcher and opens the pages of their day. Every page answers in that language, shows
the programme's own records with figures written the way the language writes them, has no
serious accessibility violation, fits the screen's width (a phone's too, in Turkmen, whose words
run longest), and is kept as a screenshot.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import formats, timezone, translation

from grants.dashboard import figures
from grants.models import GrantAgreement, PilotReport, ReportState
from portal.models import User
from tenders.demo_evaluation import history_available
from tenders.models import AwardDecision, Evaluation, Tender
from tests.e2e.steps import Steps, screenshot, serious_violations
from tests.factories.portal import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not history_available(), reason="the history needs time-machine and SQLite"),
]

PHONE = 375


def number(value, places=0):
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def days():
    """``{username: [(page name, path, [texts the page must show])]}``, texts given as
    functions of nothing, called with the reader's language active."""
    open_tender = Tender.objects.get(state=Tender.State.PUBLISHED)
    awarded = list(Tender.objects.filter(state=Tender.State.AWARDED).order_by("reference"))
    first_evaluation = Evaluation.objects.get(tender=awarded[0])
    decision = AwardDecision.objects.filter(evaluation=first_evaluation).latest("pk")
    nrcst = User.objects.get(username="nrcst")
    nrcst_grants = list(
        GrantAgreement.objects.filter(grantee__memberships__user=nrcst).order_by("reference")
    )
    report = (
        PilotReport.objects.filter(agreement=nrcst_grants[0], state=ReportState.ACCEPTED)
        .order_by("-period_start")
        .first()
    )
    grants_officer = User.objects.get(username="grants")
    reached = figures.totals(figures.dashboard_agreements(grants_officer), timezone.localdate())[
        "reached"
    ]
    references = [tender.reference for tender in awarded]
    return {
        None: [
            ("tenders", "/tenders/", lambda: [open_tender.reference, open_tender.title]),
            ("award_notice", f"/tenders/{awarded[0].pk}/award/", lambda: [awarded[0].title]),
        ],
        "nrcst": [
            ("home", "/", lambda: [g.reference for g in nrcst_grants]),
            (
                "grants",
                "/grants/",
                lambda: [number(g.amount, 2) for g in nrcst_grants],
            ),
            ("report", f"/grants/reports/{report.pk}/", lambda: [report.get_state_display()]),
            ("tender", f"/tenders/{open_tender.pk}/", lambda: [open_tender.title]),
        ],
        "procurement": [
            ("home", "/", lambda: [open_tender.reference]),
            (
                "evaluation_report",
                f"/tenders/evaluations/{first_evaluation.pk}/report/",
                lambda: [awarded[0].reference],
            ),
        ],
        "evaluator1": [
            ("home", "/", lambda: []),
            ("evaluations", "/tenders/evaluations/", lambda: references),
        ],
        "approver": [
            ("home", "/", lambda: []),
            ("award", f"/tenders/awards/{decision.pk}/", lambda: [awarded[0].reference]),
        ],
        "grants": [
            ("home", "/", lambda: [number(len(figures.dashboard_agreements(grants_officer)))]),
            ("dashboard", "/grants/dashboard/", lambda: [number(reached)]),
            ("agreements", "/grants/", lambda: [g.reference for g in nrcst_grants]),
        ],
    }


@pytest.fixture
def seeded(live_server):
    call_command("load_demo", force=True, stdout=io.StringIO())
    for username in ("nrcst", "procurement", "evaluator1", "approver", "grants"):
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


@pytest.mark.parametrize(
    ("language", "width"), [("tk", 1280), ("ru", 1280), ("en", 1280), ("tk", PHONE)]
)
def test_every_role_spends_its_day_on_the_seed_programme_in_its_language(
    new_page, seeded, language, width
):
    problems = []
    for username, pages in days().items():
        page = new_page(width=width)
        if username is not None:
            Steps(page).log_in(User.objects.get(username=username))
        steps = Steps(page, language)
        steps.page.goto("/")
        steps.choose_language()
        for name, path, expected in pages:
            response = steps.page.goto(path)
            where = f"{username or 'public'} {name} ({path})"
            if not response.ok:
                problems.append(f"{where}: answered {response.status}")
                continue
            shown = steps.page.locator("main").inner_text()
            with translation.override(language):
                missing = [text for text in map(str, expected()) if text not in shown]
            if missing:
                problems.append(f"{where}: missing {missing}")
            wide = steps.page.evaluate("() => document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{where}: {wide}px wide on a {width}px screen")
            problems += [f"{where}: {v}" for v in serious_violations(steps.page)]
            screenshot(steps.page, f"seed_{username or 'public'}_{name}_{language}_{width}")
    assert problems == []

"""Every page and mail of the demo programme speaks Turkmen and Russian, not English.

``load_demo`` writes the Ashgabat pilot programme; each of its people (and a visitor) reads,
with the Django test client, every page they reach: the addresses of every URL pattern filled
in from the demo's own records, and the links found on the pages read (a bounded crawl, GET
only), in Turkmen, Russian and English. The notification mails the programme wrote are
rendered in Turkmen and Russian as the dispatcher renders them. ``tests.i18n.untranslated``
tells an interface text that is not translated from the names and records users type.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import ServiceType, TargetGroup, User
from providers.models import MemberRole, Provider
from providers.services import member_invite
from tenders import demo_evaluation
from tenders.demo_evaluation import history_available
from tenders.models import Tender, TenderCriterion
from tenders.opendata.bulk import bulk_files_write
from tenders.services.bid import bid_budget_line_add, bid_create, bid_staff_assign
from tenders.services.clarification import clarification_ask
from tests.conftest import sign_in
from tests.i18n import addresses, crawl, untranslated
from workflows import delivery
from workflows.jobs import file_job_run
from workflows.models import OutboxMessage

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not history_available(), reason="the history needs time-machine and SQLite"),
]

ROLES = (
    "procurement",
    "evaluator1",
    "approver",
    "grants",
    "admin",
    "nrcst",
    "yenme",
    "ngo",
    "panelchair",
    None,
)
# URL patterns no demo person can GET as a page, each with the reason. Patterns that answer a
# GET with 405 (they take a POST only) or with a file count as read and need no entry here.
NOT_READ = {
    # The demo's records are past these states: every tender is published, every agreement
    # active and every report of the half-year accepted.
    "tenders:edit": "only a draft tender is edited",
    "tenders:committee": "only a draft tender's opening committee is named",
    "tenders:bid_package": "offered to its submitter only, for an hour after submitting",
    "tenders:evaluation_moderation": "moderation happens while the panel scores",
    "providers:edit": "only an organisation not yet verified is edited",
    "grants:agreement_terms": "only a draft agreement's terms are set",
    "grants:agreement_budget": "only a draft agreement's budget is set",
    "grants:agreement_targets": "only a draft agreement's targets are set",
    "grants:agreement_tranches": "only a draft agreement's tranches are set",
    "grants:report_edit": "only an open report is written",
    "grants:report_template": "only an open report's template is given",
    # The demo has none of these records.
    "tenders:objection": "no award was objected to",
    "tenders:objection_document": "no award was objected to",
    "providers:certificate_download": "no training certificate was uploaded",
    "grants:report_attachment": "no report has an attachment",
    "grants:report_detach": "no report has an attachment",
    "api:objection-detail": "no award was objected to",
    "api:objection-resolve": "no award was objected to",
    "api:report-detach": "no report has an attachment",
    "api_token_revoke": "nobody in the demo made an API token",
    # Not pages: they sign out or switch the language (a POST) and go back.
    "logout": "signs out",
    "set_language": "takes a POST",
    "switch_language": "takes a POST",
    # The second step of signing in: everyone in the crawl has given their code already, so it
    # sends them on (tests/portal/test_two_factor.py and the browser tests read it).
    "two_factor_verify": "only asked between the password and the code",
}
# Statuses with which a URL pattern counts as read: a page (an invalid link answers 400 with a
# page that offers a new one) or a POST-only action.
READ = {200, 400, 405, crawl.FILE}


@pytest.fixture(scope="module")
def first_steps(seeded, django_db_blocker):
    """What the demo's people begin today, so the pages of records still being written are
    there to read too: the Red Crescent Society starts a bid on the open tender and invites a
    colleague, "Yenme" asks a question about it, the grant officer exports the dashboard, and
    the night's open-data bulk files are written."""
    with django_db_blocker.unblock():
        tender = Tender.objects.get(state=Tender.State.PUBLISHED)
        nrcst, yenme = (
            Provider.objects.get(registration_number=code)
            for code in (demo_evaluation.NRCST, demo_evaluation.YENME)
        )
        nrcst_admin = User.objects.get(username="nrcst")
        bid = bid_create(actor=nrcst_admin, tender=tender)
        bid_staff_assign(actor=nrcst_admin, bid=bid, staff_member=nrcst.staff.first())
        bid_budget_line_add(
            actor=nrcst_admin,
            bid=bid,
            category="staff",
            description="Оплата труда социальных работников",
            amount=Decimal(90000),
        )
        member_invite(
            actor=nrcst_admin,
            provider=nrcst,
            email="sotrudnik@redcrescent.demo.example.org",
            role=MemberRole.EDITOR,
        )
        clarification_ask(
            actor=User.objects.get(username="yenme"),
            tender=tender,
            provider=yenme,
            question="Hyzmat Aşgabadyň ähli etraplarynda berilmelimi?",
        )
        officer = Client()
        sign_in(officer, User.objects.get(username="grants"))
        job = officer.post(reverse("grants:dashboard_xlsx")).url.rstrip("/").split("/")[-1]
        file_job_run(job_id=int(job))
        bulk_files_write()


@pytest.fixture(scope="module")
def visit(first_steps, django_db_blocker):
    """Every role's pages, each in the three languages."""
    with django_db_blocker.unblock():
        seen = crawl.Visit()
        start, seen.unfilled = addresses.demo_addresses(crawl.routes())
        files = set()
        for username in ROLES:
            crawl.crawl(username, ["/", *start], seen, files, compare=alike_with_english)
        return seen


@pytest.fixture(scope="module")
def english_records(seeded, django_db_blocker):
    """The English texts of the records that are written in every language (an organisation's
    English name, a tender's English title...): user data a page may show as it is."""
    with django_db_blocker.unblock():
        names = set()
        for model, field in (
            (Provider, "name_en"),
            (Tender, "title_en"),
            (Tender, "description_en"),
            (TenderCriterion, "title_en"),
            (ServiceType, "name_en"),
            (TargetGroup, "name_en"),
        ):
            names.update(model.objects.values_list(field, flat=True))
        return frozenset(untranslated.squeeze(name) for name in names)


def alike_in_turkmen_and_russian(page):
    return set(page.texts["tk"]) & set(page.texts["ru"])


def alike_with_english(page):
    """Whether ``page`` shows a text alike in Turkmen and Russian with English words in it,
    which its English version tells to be a text never translated or a name."""
    return any(untranslated.english_runs(text) for text in alike_in_turkmen_and_russian(page))


def where(page, language):
    return f"{page.path} ({page.route}) in {language} as {page.role or 'a visitor'}"


def machine_readable(text):
    """A record's content as the portal hashes it (the bid receipt shows its JSON)."""
    if not text.startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def test_every_url_pattern_is_read_by_some_role_or_excused(visit):
    read = {route for route, answers in visit.answers.items() if answers & READ}
    missed = [
        f"{route} (answered {sorted(map(str, visit.answers.get(route, ())))}"
        + (", no demo record fills it in" if route in visit.unfilled else "")
        + ")"
        for route in sorted(crawl.routes())
        if route not in read and route not in NOT_READ
    ]
    assert not visit.errors, "\n".join(visit.errors)
    assert not missed, (
        "No demo person could read these URL patterns: give them the demo's records in "
        "tests/i18n/addresses.py, or say in NOT_READ why no page is there:\n" + "\n".join(missed)
    )
    stale = sorted(route for route in NOT_READ if route in read)
    assert not stale, f"Read after all, so take them off NOT_READ: {stale}"


@pytest.mark.parametrize("language", ["tk", "ru"])
def test_no_page_shows_an_english_text_of_the_catalogue(visit, english_records, language):
    found = [
        f"{where(page, language)}: {english!r} in {text!r}"
        for page in visit.pages
        for text in page.texts[language]
        if text not in english_records and not machine_readable(text)
        for english in [untranslated.catalogue_text_in(text)]
        if english
    ]
    assert visit.pages
    assert not found, "Translation missing or not activated:\n" + "\n".join(sorted(set(found)))


def test_no_page_shows_an_english_text_that_is_never_translated(visit, english_records):
    found = []
    for page in visit.pages:
        alike = alike_in_turkmen_and_russian(page) & set(page.texts.get("en", ()))
        for text in sorted(alike - english_records):
            runs = [] if machine_readable(text) else untranslated.english_runs(text)
            if runs:
                found.append(f"{where(page, 'tk, ru and en')}: {runs} in {text!r}")
    assert not found, "Text not marked for translation:\n" + "\n".join(sorted(set(found)))


def mails():
    """``{language: [(event, text), ...]}``: the subject and the lines of the body of one
    notification of each event and channel the demo programme wrote, rendered for its
    recipient as the dispatcher does, in each language."""
    rendered = {language: [] for language in crawl.LANGUAGES}
    done = set()
    for message in OutboxMessage.objects.select_related("recipient").order_by("pk"):
        if (message.event, message.channel) in done:
            continue
        done.add((message.event, message.channel))
        for language in crawl.LANGUAGES:
            message.recipient.language = language
            subject, body = delivery.render(message)
            rendered[language].extend(
                (message.event, untranslated.squeeze(text))
                for text in [subject, *body.splitlines()]
                if text.strip()
            )
    return rendered


@pytest.fixture(scope="module")
def programme_mails(first_steps, django_db_blocker):
    with django_db_blocker.unblock():
        return mails()


@pytest.mark.parametrize("language", ["tk", "ru"])
def test_every_mail_of_the_programme_is_translated(programme_mails, english_records, language):
    found = [
        f"{event} in {language}: {english!r} in {text!r}"
        for event, text in programme_mails[language]
        if text not in english_records
        for english in [untranslated.catalogue_text_in(text)]
        if english
    ]
    assert programme_mails[language]
    assert not found, "Translation missing or not activated:\n" + "\n".join(found)


def test_no_mail_of_the_programme_has_an_english_text_that_is_never_translated(
    programme_mails, english_records
):
    alike = set.intersection(*(set(programme_mails[language]) for language in crawl.LANGUAGES))
    found = [
        f"{event}: {runs} in {text!r}"
        for event, text in sorted(alike)
        if text not in english_records
        for runs in [untranslated.english_runs(text)]
        if runs
    ]
    assert not found, "Text not marked for translation:\n" + "\n".join(found)


def template_texts(path):
    """The literal text of a notification template outside its template tags: what it shows
    to every reader alike unless it is inside a translate block."""
    source = path.read_text(encoding="utf-8")
    source = untranslated.TRANSLATE_BLOCK.sub(" ", source)
    return [
        untranslated.squeeze(line)
        for line in untranslated.TEMPLATE_TAG.sub(" ", source).splitlines()
        if line.strip()
    ]


NOTIFICATION_TEMPLATES = sorted(
    Path(settings.BASE_DIR).glob("*/templates/notifications/*/*.txt"), key=str
)


def test_every_notification_template_marks_its_texts_for_translation():
    assert NOTIFICATION_TEMPLATES
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {runs} in {text!r}"
        for path in NOTIFICATION_TEMPLATES
        for text in template_texts(path)
        for runs in [untranslated.english_runs(text)]
        if runs
    ]
    assert not found, "Text not marked for translation:\n" + "\n".join(found)

"""What users do in the browser, step by step, in any of the portal's languages.

Locators name fields and buttons by their visible text, translated with the portal's own
catalogues (``Steps.t``), so one step works in Turkmen, Russian and English alike.
"""

import re
from functools import partial
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation
from django.utils.text import capfirst
from playwright.sync_api import expect

from portal import two_factor
from portal.models import User
from tests.factories.documents import pdf_bytes
from tests.factories.portal import PASSWORD, authenticator, authenticator_code
from workflows.delivery import deliver
from workflows.models import OutboxMessage

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SERIOUS = {"serious", "critical"}
LANGUAGE_NAMES = {"tk": "Türkmençe", "ru": "Русский", "en": "English"}


def deliver_outbox():
    """Deliver every pending outbox message in this process, as the worker would."""
    pending = OutboxMessage.objects.filter(delivered_at__isnull=True).order_by("pk")
    for pk in list(pending.values_list("pk", flat=True)):
        deliver(pk)


def screenshot(page, name):
    """Keep a picture of the whole page in test-artifacts/screenshots/ (not versioned)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page):
    """What axe-core finds serious or critical on the page: one line per rule broken."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


class Steps:
    """One user's browser page and the language it is used in."""

    def __init__(self, page, language="en"):
        self.page = page
        self.language = language
        self.user = None

    def t(self, text):
        with translation.override(self.language):
            return translation.gettext(text)

    def shown(self, obj, attr="title"):
        """``obj.<attr>`` as the portal shows it in this language."""
        with translation.override(self.language):
            return str(getattr(obj, attr))

    def label(self, text, within=None):
        """The field labelled exactly ``text`` (Django adds a colon after a label), in the
        page's main part or in the ``within`` locator."""
        pattern = re.compile(rf"^\s*{re.escape(self.t(text))}\s*:?\s*$")
        return (within or self.page.locator("main")).get_by_label(pattern)

    def field(self, model, name, role=None):
        """The field of a model form, labelled with the model field's verbose name; with
        ``role="group"``, the fieldset of a multiple choice."""
        with translation.override(self.language):
            text = capfirst(str(model._meta.get_field(name).verbose_name))
        pattern = re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")
        main = self.page.locator("main")
        return main.get_by_role(role, name=pattern) if role else main.get_by_label(pattern)

    def click(self, text, role="button"):
        """Click the button (or link) named ``text`` in the page's main part and wait for the
        page it leads to, so the server has handled the request before the test goes on."""
        self.follow(self.page.locator("main").get_by_role(role, name=self.t(text)).first)

    def follow(self, locator):
        with self.page.expect_navigation():
            locator.click()

    def link(self, text):
        self.click(text, role="link")

    def header_link(self, text):
        self.follow(self.page.locator("header").get_by_role("link", name=self.t(text)))

    def heading(self):
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def expect_message(self, text):
        messages = self.page.get_by_role("status")
        assert self.t(text) in messages.inner_text(), messages.inner_text()

    # Accounts

    def choose_language(self):
        name = LANGUAGE_NAMES[self.language]
        self.follow(self.page.locator("form.language-switcher").get_by_role("button", name=name))
        assert self.page.locator("html").get_attribute("lang") == self.language

    def log_in(self, user):
        """Sign in with the password and, for staff (and anyone who set one up), the code
        of an authenticator app set up beforehand; a browser whose session already gave a
        code is not asked again."""
        needs_code = two_factor.required_for(user) or two_factor.has_second_factor(user)
        device = authenticator(user) if needs_code else None
        self.page.goto("/accounts/login/")
        self.label("Username").fill(user.username)
        self.label("Password").fill(PASSWORD)
        self.click("Log in")
        assert "/accounts/login/" not in self.page.url, "the login was refused"
        if device is not None and "/accounts/two-factor/verify/" in self.page.url:
            # Signed in, the page speaks the account's language.
            as_user = Steps(self.page, user.language)
            as_user.label("Code").fill(authenticator_code(device))
            as_user.click("Sign in")
            assert "/accounts/two-factor/" not in self.page.url, "the code was refused"

    def sign_up(self, *, username, full_name):
        """Open an account through the sign-up form and the mailed link; return the user."""
        self.page.goto("/")
        self.choose_language()
        self.header_link("Register your organisation")
        self.label("Full name").fill(full_name)
        self.label("Email address").fill(f"{username}@ngo.example.org")
        self.label("Username").fill(username)
        self.label("Password").fill(PASSWORD)
        self.label("Password confirmation").fill(PASSWORD)
        self.click("Open my account")
        user = User.objects.get(username=username)
        message = OutboxMessage.objects.get(event="accounts.confirm_email", recipient=user)
        deliver_outbox()
        self.page.goto(path_of(message.context["confirm_url"]))
        return user

    # Organisation

    def register_organisation(self, *, name, registration_number):
        """Register the signed-in user's organisation as a draft; return it."""
        from portal.models import Velayat
        from providers.models import Provider

        self.header_link("My organisation")
        self.link("Register your organisation")
        field = partial(self.field, Provider)
        field("name_tk").fill(f"{name} JB")
        field("name_ru").fill(f"ОО {name}")
        field("name_en").fill(f"{name} PA")
        field("legal_form").select_option("public_association")
        field("registration_number").fill(registration_number)
        field("registration_date").fill("2015-03-01")
        field("address").fill("Bitarap Türkmenistan şaýoly 1")
        velayat = Velayat.objects.filter(active=True, etraps__active=True).first()
        field("velayat").select_option(str(velayat.pk))
        etraps = velayat.etraps.filter(active=True)
        # The list narrows to the velayat's etraps (and the empty choice) before one is chosen.
        expect(field("etrap").locator("option")).to_have_count(etraps.count() + 1)
        field("etrap").select_option(str(etraps.first().pk))
        field("phone").fill("+993 12 00 00 00")
        field("email").fill(f"office@{registration_number.lower()}.example.org")
        for name in ("target_groups", "service_types"):
            field(name, role="group").get_by_role("checkbox").first.check()
        self.click("Register")
        self.expect_message("Your organisation is registered as a draft.")
        return Provider.objects.get(registration_number=registration_number)

    def submit_organisation(self):
        self.header_link("My organisation")
        self.click("Submit for verification")

    def verify_organisation(self, provider):
        """As a procurement officer: verify ``provider`` from its review page."""
        self.page.goto(f"/providers/review/{provider.pk}/")
        self.click("Verify")
        provider.refresh_from_db()
        assert provider.state == "verified", provider.state

    # Tenders and bids

    def open_tender(self, tender):
        self.header_link("Tenders")
        self.follow(self.page.locator("main").get_by_role("link", name=self.shown(tender)))

    def ask_question(self, text):
        self.label("Your question").fill(text)
        self.click("Send the question")

    def prepare_bid(self, tender, *, staff_member, amount="90000.00"):
        """From the tender's notice: start a bid and fill every part of it; return the bid."""
        from tenders.models import Bid

        self.click("Prepare a bid")
        bid = Bid.objects.filter(tender=tender).latest("pk")
        self.link("Technical proposal")
        for criterion in tender.criteria.all():
            self.page.locator("main").get_by_label(self.shown(criterion)).fill(
                "Trained staff, weekly home visits and a care plan for every client."
            )
        self.click("Save the proposal")
        self.link("Proposed staff")
        self.label("Staff member").select_option(str(staff_member.pk))
        self.label("Role in the project").fill("Team leader")
        self.click("Propose")
        self.link("Budget")
        self.label("Category").select_option("staff")
        self.label("Description").fill("Two social workers for twelve months")
        self.label("Amount (TMT)").fill(amount)
        self.click("Add the line")
        self.link("Documents")
        self.label("Title").fill("Work plan")
        self.label("File").set_input_files(
            {"name": "work-plan.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
        )
        self.click("Upload")
        return bid

    def submit_bid(self, bid):
        self.link("Check and submit")
        self.click("Submit the bid")
        bid.refresh_from_db()
        assert bid.state == "submitted", bid.state

    def give_share(self, tender, passphrase):
        """As a member of the tender's opening committee: give the share on the opening page."""
        self.page.goto(f"/tenders/{tender.pk}/opening/")
        self.label("Your opening passphrase").fill(passphrase)
        self.click("Give my share")

    # Evaluation

    def open_evaluation(self, tender, *, deadline, panel):
        """As the tender's officer: open the evaluation, name the panel (``[(user, role)]``)
        and confirm every bid's eligibility screening."""
        self.page.goto(f"/tenders/manage/{tender.pk}/evaluation/")
        self.label("Evaluation deadline").fill(
            timezone.localtime(deadline).strftime("%Y-%m-%dT%H:%M")
        )
        self.click("Open the evaluation")
        for user, role in panel:
            naming = self.page.locator("main form").filter(has_text=self.t("Add to the panel"))
            self.label("Person", within=naming).select_option(str(user.pk))
            self.label("Role on the panel", within=naming).select_option(role)
            self.click("Add to the panel")
        screen = self.page.locator("main").get_by_role("link", name=self.t("Screen"))
        for index in range(screen.count()):
            self.follow(screen.nth(index))
            self.click("Record the screening")
            self.page.goto(f"/tenders/manage/{tender.pk}/evaluation/")

    def declare_no_conflict(self, evaluation):
        self.page.goto(f"/tenders/evaluations/{evaluation.pk}/declare/")
        self.page.locator("main").get_by_label(
            self.t("I have no conflict of interest with this tender or any of these bidders.")
        ).check()
        self.click("Record my declaration")

    def score(self, evaluation, points):
        """Give every bid and criterion ``points`` with a justification; submit the sheet."""
        self.page.goto(f"/tenders/evaluations/{evaluation.pk}/sheet/")
        main = self.page.locator("main")
        for field in main.locator("input[type=number]").all():
            field.fill(str(points))
        for field in main.locator("textarea").all():
            field.fill("Clear method, trained staff and a realistic budget.")
        self.click("Save the draft")
        self.click("Submit the score sheet")

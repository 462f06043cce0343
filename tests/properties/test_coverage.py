"""The property tests cover every view that takes a POST: a new one fails here until it has
an entry in its app's table (or, taking no user input, in the short list below)."""

from tests.properties import (
    test_grant_forms,
    test_portal_forms,
    test_provider_forms,
    test_tender_forms,
)
from tests.properties.engine import post_views

# URL names (or namespaces, ending in ":") of POST views the property tests leave alone.
EXCLUDED = {
    # Django's admin site: its forms are Django's, tested by Django, and used only by
    # system administrators.
    "admin:": "Django's own admin site",
    # The REST API takes JSON, not forms: schemathesis drives every one of its operations from
    # the live schema (tests/portal/test_api_schemathesis.py).
    "api:": "the REST API",
    # A share given with a wrong passphrase is refused and, by design, counted in the audit
    # log, which "a refusal changes nothing" forbids; tests/tenders/test_bid_sealing.py drives
    # its refusals (before the deadline, off the committee, wrong passphrase).
    "tenders:opening": "the bid opening's shares",
    # Passkeys: django-otp-webauthn's JSON endpoints answer its JavaScript's WebAuthn
    # ceremonies, which only a browser with an authenticator performs; the browser test
    # tests/e2e/test_passkeys.py adds a passkey and signs in with it.
    "otp_webauthn:": "the passkey ceremonies",
}
TABLES = (test_grant_forms, test_portal_forms, test_provider_forms, test_tender_forms)


def covered():
    return {endpoint.name for table in TABLES for endpoint in table.ENDPOINTS}


def excluded(name):
    return any(name == key or key.endswith(":") and name.startswith(key) for key in EXCLUDED)


def test_every_view_that_takes_a_post_is_driven_by_a_property_test():
    missing = [name for name in post_views() if name not in covered() and not excluded(name)]

    assert missing == []


def test_the_tables_name_only_views_that_take_a_post():
    assert covered() - set(post_views()) == set()


def test_the_enumeration_finds_the_views_that_hand_a_post_to_a_helper():
    assert {"tenders:create", "tenders:edit", "grants:report_edit", "login"} <= set(post_views())

"""The registry's pages: what each user sees, what the forms refuse, and what is not found."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.models import ServiceType, TargetGroup, Velayat
from providers.models import (
    DocumentType,
    Invitation,
    MemberRole,
    Membership,
    Provider,
    ProviderDocument,
    ProviderState,
    StaffMember,
)
from providers.services import member_invite
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    InvitationFactory,
    ProviderDocumentFactory,
    ProviderFactory,
    StaffMemberFactory,
    TrainingCertificateFactory,
    TrainingRecordFactory,
    admin_of,
    member_of,
)
from workflows.audit import history

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"providers:{name}", args=args)


def logged_in(client, user):
    sign_in(client, user)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def stored_files():
    root = settings.MEDIA_ROOT / "providers"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


# The organisation's own pages


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(url("my_organisation"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_user_without_an_organisation_is_offered_to_register(client, outsider):
    response = logged_in(client, outsider).get(url("my_organisation"))

    assert response.status_code == 200
    assert url("register") in response.content.decode()


def test_registering_through_the_form_creates_a_draft_with_the_user_as_admin(client, outsider):
    ashgabat = Velayat.objects.get(code="TM-S")
    response = logged_in(client, outsider).post(
        url("register"),
        {
            "name_tk": "Ýeňme",
            "name_ru": "Енме",
            "legal_form": "public_association",
            "registration_number": "NGO-77",
            "registration_date": "2012-05-04",
            "address": "Magtymguly şaýoly 12",
            "velayat": ashgabat.pk,
            "etrap": ashgabat.etraps.first().pk,
            "phone": "+993 12 34 56 78",
            "email": "info@yenme.example.org",
            "service_types": [ServiceType.objects.first().pk],
            "target_groups": [TargetGroup.objects.first().pk],
        },
    )

    assert response.status_code == 302
    provider = Provider.objects.get(registration_number="NGO-77")
    assert Membership.objects.get(user=outsider, provider=provider).role == MemberRole.ADMIN


def registration_data(**changes):
    ashgabat = Velayat.objects.get(code="TM-S")
    return {
        "name_tk": "Ýeňme",
        "name_ru": "Енме",
        "legal_form": "public_association",
        "registration_number": "NGO-77",
        "registration_date": "2012-05-04",
        "address": "Magtymguly şaýoly 12",
        "velayat": ashgabat.pk,
        "etrap": ashgabat.etraps.first().pk,
        "phone": "+993 12 34 56 78",
        "email": "info@yenme.example.org",
        **changes,
    }


@pytest.mark.parametrize("day", ["2999-01-01", "1899-12-31"])
def test_an_implausible_registration_date_is_refused_next_to_the_field(client, outsider, day):
    response = logged_in(client, outsider).post(
        url("register"), registration_data(registration_date=day)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["registration_date"]
    assert not Provider.objects.exists()


def test_an_organisation_registered_today_is_accepted(client, outsider):
    today = timezone.localdate()

    logged_in(client, outsider).post(
        url("register"), registration_data(registration_date=today.isoformat())
    )

    assert Provider.objects.get().registration_date == today


@pytest.mark.parametrize("character", ["\u202e", "\x00", "\u2066"])
@pytest.mark.parametrize("field", ["name_tk", "name_ru", "name_en"])
def test_invisible_control_characters_in_an_organisation_name_are_refused(
    client, outsider, field, character
):
    response = logged_in(client, outsider).post(
        url("register"), registration_data(**{field: f"Ýeňme{character}fdp.exe"})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Provider.objects.exists()


def test_the_control_character_message_is_in_the_users_language(client):
    user = UserFactory(language="ru")

    response = logged_in(client, user).post(
        url("register"), registration_data(name_tk="Ýeňme\u202e")
    )

    assert response.context["form"].errors["name_tk"] == [
        "Удалите невидимые управляющие символы из этого поля."
    ]


def test_the_register_form_shows_an_etrap_of_another_velayat_next_to_the_field(client, outsider):
    response = logged_in(client, outsider).post(
        url("register"),
        {
            "velayat": Velayat.objects.get(code="TM-S").pk,
            "etrap": Velayat.objects.get(code="TM-M").etraps.first().pk,
        },
    )

    assert response.status_code == 200
    assert "etrap" in response.context["form"].errors
    assert not Provider.objects.exists()


def test_ministry_staff_may_not_register(client, officer):
    response = logged_in(client, officer).get(url("register"))

    assert response.status_code == 403


def test_the_organisation_page_lists_what_is_missing_before_submission(client):
    provider = ProviderFactory(draft=True)

    response = logged_in(client, admin_of(provider)).get(url("my_organisation"))

    body = response.content.decode()
    assert "Charter" in body and "Bank details" in body
    assert url("submit") in body


def test_submitting_through_the_page_moves_the_organisation_on(client, officer):
    provider = ProviderFactory(draft=True, complete=True)

    response = logged_in(client, admin_of(provider)).post(
        url("submit"), {"seen_state": "draft"}, follow=True
    )

    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED
    assert "submitted for verification" in " ".join(messages_of(response))


def test_a_stale_submit_form_gets_the_conflict_message(client):
    provider = ProviderFactory(verified=True, complete=True)

    response = logged_in(client, admin_of(provider)).post(
        url("submit"), {"seen_state": "draft"}, follow=True
    )

    assert "changed by someone else" in " ".join(messages_of(response))


def test_an_incomplete_submission_is_explained_not_a_500(client):
    provider = ProviderFactory(draft=True)

    response = logged_in(client, admin_of(provider)).post(
        url("submit"), {"seen_state": "draft"}, follow=True
    )

    assert response.status_code == 200
    assert "Not ready for verification" in " ".join(messages_of(response))
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_editing_a_stale_form_shows_the_conflict_and_changes_nothing(client):
    provider = ProviderFactory(draft=True)
    client = logged_in(client, admin_of(provider))
    form = client.get(url("edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        phone="+993 00",
        seen_state="returned",
        target_groups=[],
        service_types=[],
        registration_date="2015-03-01",
    )

    response = client.post(url("edit"), data)

    assert response.status_code == 200
    assert "changed by someone else" in str(response.context["form"].non_field_errors())
    provider.refresh_from_db()
    assert provider.phone != "+993 00"


def test_a_verified_organisation_is_not_offered_the_edit_form(client):
    provider = ProviderFactory(verified=True)

    response = logged_in(client, admin_of(provider)).get(url("edit"))

    assert response.status_code == 302


# Members and invitations


def test_an_admin_invites_through_the_members_page(client):
    provider = ProviderFactory()

    response = logged_in(client, admin_of(provider)).post(
        url("members"), {"email": "new@example.org", "role": "viewer"}
    )

    assert response.status_code == 302
    assert Invitation.objects.get(provider=provider).email == "new@example.org"


def test_a_refused_invitation_shows_next_to_the_email_field(client):
    provider = ProviderFactory()
    elsewhere = admin_of(ProviderFactory())

    response = logged_in(client, admin_of(provider)).post(
        url("members"), {"email": elsewhere.email, "role": "viewer"}
    )

    assert response.status_code == 200
    assert "already belongs" in str(response.context["form"].errors["email"])


def test_an_editor_cannot_invite(client):
    provider = ProviderFactory()

    response = logged_in(client, member_of(provider, MemberRole.EDITOR)).post(
        url("members"), {"email": "new@example.org", "role": "viewer"}
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_the_invitee_signs_up_from_the_link_and_is_logged_in(client):
    provider = ProviderFactory()
    invitation = member_invite(
        actor=admin_of(provider), provider=provider, email="fresh@example.org", role="editor"
    )

    response = client.post(
        url("invitation", invitation.token),
        {
            "full_name": "Merjen Annaýewa",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="fresh@example.org")
    assert membership.provider == provider
    assert client.get(url("my_organisation")).context["provider"] == provider


def test_an_invitee_with_an_account_is_asked_to_log_in_then_accepts(client):
    provider = ProviderFactory()
    invitee = UserFactory()
    invitation = member_invite(
        actor=admin_of(provider), provider=provider, email=invitee.email, role="viewer"
    )

    page = client.get(url("invitation", invitation.token))
    assert reverse("login") in page.content.decode()
    response = logged_in(client, invitee).post(url("invitation", invitation.token))

    assert response.status_code == 302
    assert Membership.objects.get(user=invitee).role == MemberRole.VIEWER


def test_an_unknown_invitation_link_is_not_found(client):
    assert client.get(url("invitation", "no-such-token")).status_code == 404


def test_the_last_admin_is_told_they_cannot_leave(client):
    provider = ProviderFactory()
    admin = admin_of(provider)
    membership = Membership.objects.get(user=admin)

    response = logged_in(client, admin).post(url("member_remove", membership.pk), follow=True)

    assert "at least one administrator" in " ".join(messages_of(response))
    assert Membership.objects.filter(pk=membership.pk).exists()


# Documents


def test_an_editor_uploads_a_document_through_the_form(client):
    provider = ProviderFactory()
    client = logged_in(client, member_of(provider, MemberRole.EDITOR))

    response = client.post(
        url("documents"),
        {
            "seen_state": "draft",
            "document_type": DocumentType.BANK_DETAILS,
            "title": "Bank details",
            "expires_on": "",
            "file": upload("pdf", name="bank.pdf"),
        },
    )

    assert response.status_code == 302
    assert provider.documents.get().document_type == DocumentType.BANK_DETAILS


@pytest.mark.parametrize(
    "name, content",
    [
        ("charter.pdf", b"MZ\x90\x00 a renamed program"),
        ("charter.pdf", b"just some text"),
        ("charter.pdf", b""),
    ],
)
def test_an_upload_the_form_refuses_stores_nothing(client, name, content):
    provider = ProviderFactory()
    before = stored_files()

    response = logged_in(client, admin_of(provider)).post(
        url("documents"),
        {
            "seen_state": "draft",
            "document_type": DocumentType.CHARTER,
            "title": "Charter",
            "file": upload("pdf", name=name, content=content),
        },
    )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert stored_files() == before
    assert not ProviderDocument.objects.exists()


def test_an_upload_with_a_past_expiry_date_is_refused_next_to_the_date(client):
    provider = ProviderFactory()
    before = stored_files()

    response = logged_in(client, admin_of(provider)).post(
        url("documents"),
        {
            "seen_state": "draft",
            "document_type": DocumentType.CHARTER,
            "title": "Charter",
            "expires_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "file": upload("pdf"),
        },
    )

    assert "expires_on" in response.context["form"].errors
    assert stored_files() == before


def test_a_member_downloads_their_document_and_an_officer_may_too(client, officer):
    document = ProviderDocumentFactory()
    viewer = member_of(document.provider, MemberRole.VIEWER)

    for user in (viewer, officer):
        response = logged_in(client, user).get(url("document_download", document.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Disposition"].startswith("attachment")


def test_the_documents_page_shows_expiry(client):
    document = ProviderDocumentFactory(expires_on=timezone.localdate() + timedelta(days=30))

    response = logged_in(client, admin_of(document.provider)).get(url("documents"))

    assert document.title in response.content.decode()


# Staff


def test_an_editor_adds_staff_and_training_through_the_forms(client):
    provider = ProviderFactory(verified=True)
    client = logged_in(client, member_of(provider, MemberRole.EDITOR))

    client.post(
        url("staff_add"),
        {"seen_state": "verified", "full_name": "Aýna", "position": "Nurse", "active": "on"},
    )
    member = StaffMember.objects.get(provider=provider)
    response = client.post(
        url("training_add", member.pk),
        {
            "seen_state": "verified",
            "course": "Home care",
            "training_provider": "Red Crescent",
            "started_on": "2026-01-10",
            "completed_on": "2026-02-10",
            "in_service": "on",
            "certificate": upload("pdf", name="certificate.pdf"),
        },
    )

    assert response.status_code == 302
    record = member.training_records.get()
    assert record.in_service and record.certificate.original_name == "certificate.pdf"
    roster = client.get(url("staff")).content.decode()
    assert "Home care" in roster and url("certificate_download", record.certificate.pk) in roster


@pytest.mark.parametrize("field", ["full_name", "position"])
def test_a_staff_name_or_position_with_a_bidi_override_is_refused(client, field):
    provider = ProviderFactory(verified=True)
    data = {"seen_state": "verified", "full_name": "Aýna", "position": "Nurse", "active": "on"}

    response = logged_in(client, admin_of(provider)).post(
        url("staff_add"), {**data, field: "Aýna\u202egnp.exe"}
    )

    assert response.context["form"].errors[field] == [
        "Remove the invisible control characters from this field."
    ]
    assert not StaffMember.objects.filter(provider=provider).exists()


def test_a_course_started_in_the_future_is_refused_next_to_the_date(client):
    member = StaffMemberFactory(provider=ProviderFactory(verified=True))
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = logged_in(client, admin_of(member.provider)).post(
        url("training_add", member.pk),
        {
            "seen_state": "verified",
            "course": "Home care",
            "training_provider": "Red Crescent",
            "started_on": tomorrow.isoformat(),
        },
    )

    assert response.context["form"].errors["started_on"] == ["This date cannot be in the future."]
    assert not member.training_records.exists()


def test_a_stale_staff_form_gets_the_conflict_message(client):
    member = StaffMemberFactory(provider=ProviderFactory(verified=True))

    response = logged_in(client, admin_of(member.provider)).post(
        url("staff_edit", member.pk),
        {"seen_state": "draft", "full_name": "New", "position": "Nurse", "active": "on"},
    )

    assert "changed by someone else" in str(response.context["form"].non_field_errors())
    member.refresh_from_db()
    assert member.full_name != "New"


# Another organisation's things are not found


def foreign_urls():
    other = ProviderFactory(verified=True)
    member = StaffMemberFactory(provider=other)
    record = TrainingRecordFactory(staff=member)
    certificate = TrainingCertificateFactory(training=record)
    document = ProviderDocumentFactory(provider=other)
    membership = Membership.objects.get(provider=other)
    invitation = InvitationFactory(provider=other)
    return other, [
        ("get", url("document_download", document.pk)),
        ("post", url("document_remove", document.pk)),
        ("get", url("staff_edit", member.pk)),
        ("post", url("staff_edit", member.pk)),
        ("get", url("training_add", member.pk)),
        ("get", url("certificate_download", certificate.pk)),
        ("post", url("member_role", membership.pk)),
        ("post", url("member_remove", membership.pk)),
        ("post", url("invitation_withdraw", invitation.pk)),
        ("get", url("review", other.pk)),
        ("post", url("decide", other.pk, "suspend")),
    ]


def test_another_organisations_documents_staff_members_and_invitations_are_not_found(client):
    mine = ProviderFactory(verified=True)
    other, urls = foreign_urls()
    client = logged_in(client, admin_of(mine))

    for method, address in urls:
        response = getattr(client, method)(address, {"seen_state": "verified", "role": "viewer"})
        assert response.status_code == 404, address

    assert other.documents.count() == 1 and Membership.objects.filter(provider=other).exists()
    assert Invitation.objects.get(provider=other).revoked_at is None


def test_a_user_without_an_organisation_finds_none_of_the_organisation_pages(client, outsider):
    client = logged_in(client, outsider)

    for name in ("edit", "members", "documents", "staff", "staff_add"):
        assert client.get(url(name)).status_code == 404, name


# Officer pages


def test_the_officer_list_filters_by_state_and_name(client, officer):
    submitted = ProviderFactory(submitted=True, name_en="Yenme")
    ProviderFactory(verified=True, name_en="Red Crescent")
    client = logged_in(client, officer)

    by_state = client.get(url("review_list"), {"state": "submitted"})
    by_name = client.get(url("review_list"), {"q": submitted.registration_number})

    assert list(by_state.context["providers"]) == [submitted]
    assert list(by_name.context["providers"]) == [submitted]


def test_the_review_page_shows_documents_staff_and_the_decisions(client, officer):
    provider = ProviderFactory(submitted=True, complete=True, trained_staff=1)

    response = logged_in(client, officer).get(url("review", provider.pk))

    body = response.content.decode()
    assert url("decide", provider.pk, "verify") in body
    assert url("decide", provider.pk, "return") in body
    assert url("decide", provider.pk, "reject") in body
    assert provider.staff.get().full_name in body
    assert url("document_download", provider.documents.first().pk) in body


def test_the_decision_heading_names_the_organisation_in_the_officers_language(client, officer):
    provider = ProviderFactory(submitted=True, complete=True)
    officer.language = "ru"
    officer.save(update_fields=["language"])

    body = logged_in(client, officer).get(url("review", provider.pk)).content.decode()

    assert f'<h2 id="decision-heading">Решение: {provider.name_ru}</h2>' in body


def test_an_officer_verifies_from_the_review_page(client, officer):
    provider = ProviderFactory(submitted=True)

    response = logged_in(client, officer).post(
        url("decide", provider.pk, "verify"), {"verify-seen_state": "submitted"}
    )

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.is_verified


def test_returning_without_comments_is_refused_next_to_the_field(client, officer):
    provider = ProviderFactory(submitted=True)

    response = logged_in(client, officer).post(
        url("decide", provider.pk, "return"), {"return-seen_state": "submitted", "return-text": ""}
    )

    assert response.status_code == 400
    assert "text" in response.context["forms"]["return"].errors
    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


def test_a_stale_decision_form_gets_the_conflict_message(client, officer):
    provider = ProviderFactory(verified=True)

    response = logged_in(client, officer).post(
        url("decide", provider.pk, "suspend"),
        {"suspend-seen_state": "submitted", "suspend-text": "Overdue"},
    )

    assert "changed by someone else" in str(response.context["forms"]["suspend"].errors)
    assert not history(provider).exists()


def test_an_unknown_decision_is_not_found(client, officer):
    provider = ProviderFactory(submitted=True)

    response = logged_in(client, officer).post(url("decide", provider.pk, "delete"))

    assert response.status_code == 404


def test_officer_pages_do_not_exist_for_organisation_members_or_evaluators(client):
    provider = ProviderFactory(submitted=True)

    for user in (admin_of(provider), UserFactory(evaluator=True)):
        client = logged_in(client, user)
        assert client.get(url("review_list")).status_code == 404
        assert client.get(url("review", provider.pk)).status_code == 404
        response = client.post(
            url("decide", provider.pk, "verify"), {"verify-seen_state": "submitted"}
        )
        assert response.status_code == 404
    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


def test_an_officer_without_an_organisation_is_sent_to_the_registry(client, officer):
    response = logged_in(client, officer).get(url("my_organisation"))

    assert response.status_code == 302 and response["Location"] == url("review_list")


def test_the_admin_shows_the_registry_read_only(client):
    provider = ProviderFactory()
    client = logged_in(client, UserFactory(system_admin=True))

    listing = client.get(reverse("admin:providers_provider_changelist"))
    page = client.get(reverse("admin:providers_provider_change", args=[provider.pk]))

    assert listing.status_code == 200 and provider.registration_number in listing.content.decode()
    assert page.status_code == 200 and b'name="_save"' not in page.content


def test_an_admin_changes_a_role_from_the_members_page(client):
    provider = ProviderFactory()
    membership = Membership.objects.get(user=member_of(provider, MemberRole.VIEWER))
    prefix = f"m{membership.pk}"

    client = logged_in(client, admin_of(provider))
    client.post(
        url("member_role", membership.pk),
        {f"{prefix}-role": "editor", f"{prefix}-seen_role": "viewer"},
    )
    stale = client.post(
        url("member_role", membership.pk),
        {f"{prefix}-role": "admin", f"{prefix}-seen_role": "viewer"},
        follow=True,
    )

    membership.refresh_from_db()
    assert membership.role == MemberRole.EDITOR
    assert "changed by someone else" in " ".join(messages_of(stale))

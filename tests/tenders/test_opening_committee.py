"""Opening committees: members set a passphrase, an officer names the committee, and publishing
gives each member an encrypted share of the key that opens the tender's bids."""

import pytest
from django.urls import reverse

from tenders.models import CommitteeShare, OpeningKey, Tender, TenderKey
from tenders.sealing import keys
from tenders.services.committee import (
    member_private_key,
    opening_passphrase_set,
    share_context,
    tender_key_context,
    tender_set_committee,
)
from tenders.services.tender import tender_publish
from tenders.services.tender_checks import TenderProblems
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import COMMITTEE_PASSPHRASE, TenderFactory, committee_member
from workflows.audit import history
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db

PASSPHRASE = "a long opening passphrase"


def test_setting_a_passphrase_makes_a_key_pair_readable_only_with_it():
    evaluator = UserFactory(evaluator=True)

    row = opening_passphrase_set(actor=evaluator, passphrase=PASSPHRASE)

    private = member_private_key(row, PASSPHRASE)
    assert keys.public_bytes(private) == bytes(row.public_key)
    assert keys.private_bytes(private) not in bytes(row.sealed_private_key)
    with pytest.raises(DomainError) as refused:
        member_private_key(row, "another passphrase, wrong")
    assert refused.value.code == "wrong_passphrase"
    assert history(evaluator).filter(action="opening_passphrase_set").exists()


def test_a_short_passphrase_is_refused_and_nothing_is_stored():
    officer = UserFactory(procurement_officer=True)

    with pytest.raises(DomainError) as refused:
        opening_passphrase_set(actor=officer, passphrase="short")

    assert refused.value.code == "passphrase_short"
    assert not OpeningKey.objects.filter(user=officer).exists()


def test_only_officers_and_evaluators_set_an_opening_passphrase():
    ngo_user = admin_of(ProviderFactory(verified=True))

    with pytest.raises(DomainError):
        opening_passphrase_set(actor=ngo_user, passphrase=PASSPHRASE)

    assert not OpeningKey.objects.exists()


def test_changing_the_passphrase_keeps_the_key_pair_and_needs_the_current_one():
    member = committee_member()
    public = bytes(member.opening_key.public_key)

    with pytest.raises(DomainError) as refused:
        opening_passphrase_set(actor=member, passphrase=PASSPHRASE, current="not the one at all")
    assert refused.value.code == "wrong_passphrase"
    row = opening_passphrase_set(actor=member, passphrase=PASSPHRASE, current=COMMITTEE_PASSPHRASE)

    assert bytes(row.public_key) == public
    assert keys.public_bytes(member_private_key(row, PASSPHRASE)) == public
    with pytest.raises(DomainError):
        member_private_key(row, COMMITTEE_PASSPHRASE)


def test_a_lost_passphrase_is_replaced_by_a_new_key_pair():
    member = committee_member()
    public = bytes(member.opening_key.public_key)

    row = opening_passphrase_set(actor=member, passphrase=PASSPHRASE, replace=True)

    assert bytes(row.public_key) != public
    assert history(member).filter(action="opening_key_replaced").exists()


def test_the_officer_names_the_committee_and_how_many_are_needed():
    tender = TenderFactory(committee=[])
    members = [committee_member() for _ in range(4)]

    row = tender_set_committee(actor=tender.created_by, tender=tender, members=members, quorum=3)

    assert set(row.committee.all()) == set(members) and row.opening_quorum == 3
    entry = history(tender).get(action="committee_named")
    assert entry.data == {"members": sorted(m.pk for m in members), "quorum": 3}


@pytest.mark.parametrize("quorum", [0, 3])
def test_a_quorum_outside_one_to_the_committee_size_is_refused(quorum):
    tender = TenderFactory(committee=[])
    members = [committee_member() for _ in range(2)]

    with pytest.raises(DomainError) as refused:
        tender_set_committee(actor=tender.created_by, tender=tender, members=members, quorum=quorum)

    assert refused.value.code == "quorum_range"
    assert not Tender.objects.get(pk=tender.pk).committee.exists()


def test_a_committee_of_more_than_seven_is_refused():
    tender = TenderFactory(committee=[])

    with pytest.raises(DomainError) as refused:
        tender_set_committee(
            actor=tender.created_by,
            tender=tender,
            members=[UserFactory(evaluator=True) for _ in range(8)],
            quorum=2,
        )

    assert refused.value.code == "committee_too_large"


def test_only_staff_who_may_open_bids_sit_on_a_committee():
    tender = TenderFactory(committee=[])
    approver = UserFactory(approver=True)

    with pytest.raises(DomainError) as refused:
        tender_set_committee(actor=tender.created_by, tender=tender, members=[approver], quorum=1)

    assert refused.value.code == "not_eligible"


def test_another_officer_cannot_name_the_committee():
    tender = TenderFactory(committee=[])

    with pytest.raises(DomainError) as refused:
        tender_set_committee(
            actor=UserFactory(procurement_officer=True),
            tender=tender,
            members=[committee_member()],
            quorum=1,
        )

    assert refused.value.code == "forbidden"


def test_publishing_without_a_committee_is_refused():
    tender = TenderFactory(committee=[])

    with pytest.raises(TenderProblems) as refused:
        tender_publish(actor=tender.created_by, tender=tender)

    assert "Name the opening committee." in str(refused.value)
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT


def test_publishing_is_refused_while_a_member_has_no_passphrase():
    newcomer = UserFactory(evaluator=True, full_name="Merdan Atayew")
    tender = TenderFactory(committee=[committee_member(), newcomer])

    with pytest.raises(TenderProblems) as refused:
        tender_publish(actor=tender.created_by, tender=tender)

    assert "Merdan Atayew has not set an opening passphrase yet." in str(refused.value)
    assert not TenderKey.objects.exists()


def test_publishing_gives_each_member_a_share_and_any_two_of_three_open_the_key():
    tender = TenderFactory()
    members = list(tender.committee.order_by("pk"))

    published = tender_publish(actor=tender.created_by, tender=tender)

    tender_key = TenderKey.objects.get(tender=published)
    shares = {
        share.member_id: share for share in CommitteeShare.objects.filter(tender_key=tender_key)
    }
    assert set(shares) == {member.pk for member in members} and tender_key.quorum == 2

    def share_of(member):
        private = member_private_key(member.opening_key, COMMITTEE_PASSPHRASE)
        raw = keys.decrypt_with(
            private, shares[member.pk].sealed_share, share_context(tender.pk, member.pk)
        )
        return raw[0], raw[1:]

    def private_key_from(given):
        kek = keys.combine([share_of(member) for member in given])
        return keys.decrypt(
            keys.kek_cipher_key(kek),
            bytes(tender_key.sealed_private_key),
            tender_key_context(tender.pk),
        )

    for pair in (members[:2], members[1:], [members[0], members[2]]):
        private = keys.private_key(private_key_from(pair))
        assert keys.public_bytes(private) == bytes(tender_key.public_key)
    with pytest.raises(keys.DecryptionFailed):
        private_key_from(members[:1])


def test_the_committee_cannot_be_changed_after_publishing():
    tender = tender_publish(actor=(draft := TenderFactory()).created_by, tender=draft)

    with pytest.raises(DomainError) as refused:
        tender_set_committee(
            actor=tender.created_by, tender=tender, members=[committee_member()], quorum=1
        )

    assert refused.value.code == "not_draft"


def test_the_passphrase_page_sets_the_passphrase(client):
    evaluator = UserFactory(evaluator=True)
    sign_in(client, evaluator)
    url = reverse("tenders:opening_passphrase")

    mismatch = client.post(url, {"passphrase": PASSPHRASE, "confirm": PASSPHRASE + "x"})
    assert "The two passphrases differ." in mismatch.content.decode()
    assert not OpeningKey.objects.filter(user=evaluator).exists()
    response = client.post(url, {"passphrase": PASSPHRASE, "confirm": PASSPHRASE}, follow=True)

    assert "Your opening passphrase is set." in response.content.decode()
    member_private_key(OpeningKey.objects.get(user=evaluator), PASSPHRASE)


def test_the_passphrase_page_refuses_a_wrong_current_passphrase(client):
    member = committee_member()
    sign_in(client, member)

    response = client.post(
        reverse("tenders:opening_passphrase"),
        {"current": "this is not it", "passphrase": PASSPHRASE, "confirm": PASSPHRASE},
    )

    assert "The passphrase is not right." in response.content.decode()
    member_private_key(OpeningKey.objects.get(user=member), COMMITTEE_PASSPHRASE)


def test_the_passphrase_page_is_not_for_ngo_users(client):
    sign_in(client, admin_of(ProviderFactory(verified=True)))

    assert client.get(reverse("tenders:opening_passphrase")).status_code == 403


def test_the_committee_page_names_the_members(client):
    tender = TenderFactory(committee=[])
    members = [committee_member(), committee_member(procurement_officer=True)]
    sign_in(client, tender.created_by)

    response = client.post(
        reverse("tenders:committee", args=[tender.pk]),
        {"members": [m.pk for m in members], "quorum": 2},
        follow=True,
    )

    assert "The opening committee is saved." in response.content.decode()
    assert set(Tender.objects.get(pk=tender.pk).committee.all()) == set(members)


def test_the_committee_page_shows_a_quorum_too_large(client):
    tender = TenderFactory(committee=[])
    member = committee_member()
    sign_in(client, tender.created_by)

    response = client.post(
        reverse("tenders:committee", args=[tender.pk]), {"members": [member.pk], "quorum": 2}
    )

    assert "at most the committee&#x27;s size" in response.content.decode()
    assert not Tender.objects.get(pk=tender.pk).committee.exists()


def test_another_officers_committee_page_is_not_found(client):
    tender = TenderFactory()
    sign_in(client, UserFactory(procurement_officer=True))

    assert client.get(reverse("tenders:committee", args=[tender.pk])).status_code == 404

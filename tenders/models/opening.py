"""The keys that seal bids until a tender's opening committee opens them.

A committee member's key pair is made when they set their opening passphrase; its private key
is stored only encrypted under a key derived from that passphrase. Publishing a tender makes the
tender's key pair: its private key is stored only encrypted under a key-encryption key that is
split into one share per committee member, each share encrypted to that member's public key.
Neither the key-encryption key nor any private key is ever stored in the clear.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenders.models.tender import Tender


class OpeningKey(models.Model):
    """A user's key pair for receiving committee shares."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opening_key"
    )
    public_key = models.BinaryField()
    # The private key, AES-GCM encrypted under the scrypt key of the passphrase.
    sealed_private_key = models.BinaryField()
    salt = models.BinaryField()
    scrypt_cost = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("opening key")
        verbose_name_plural = _("opening keys")

    def __str__(self):
        return f"opening key of user {self.user_id}"


class TenderKey(models.Model):
    """The key pair bids to a tender are sealed with."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="opening_key")
    public_key = models.BinaryField()
    # The private key, AES-GCM encrypted under the key-encryption key the committee shares.
    sealed_private_key = models.BinaryField()
    quorum = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tender opening key")
        verbose_name_plural = _("tender opening keys")

    def __str__(self):
        return f"opening key of tender {self.tender_id}"


class CommitteeShare(models.Model):
    """One committee member's share of a tender's key-encryption key, encrypted to them."""

    tender_key = models.ForeignKey(TenderKey, on_delete=models.CASCADE, related_name="shares")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The public key the share was encrypted to, so a member whose key was replaced is known.
    member_public_key = models.BinaryField()
    sealed_share = models.BinaryField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender_key", "member"], name="one_share_per_committee_member"
            )
        ]
        verbose_name = _("committee share")
        verbose_name_plural = _("committee shares")

    def __str__(self):
        return f"share of user {self.member_id} for tender key {self.tender_key_id}"


class GivenShare(models.Model):
    """A share a committee member gave on the opening page, kept until the bids open.

    It is encrypted under the opening's own key, which lives only in the cache for a limited
    time (``tenders.services.bid_opening``): the database never holds a given share in the
    clear, and when the cached key expires the shares given must be given again.
    """

    tender_key = models.ForeignKey(TenderKey, on_delete=models.CASCADE, related_name="given")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()
    sealed_share = models.BinaryField()

    class Meta:
        ordering = ["given_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender_key", "member"], name="one_given_share")
        ]
        verbose_name = _("given share")
        verbose_name_plural = _("given shares")

    def __str__(self):
        return f"share given by user {self.member_id} for tender key {self.tender_key_id}"


class SealedBid(models.Model):
    """A submitted bid's whole content, encrypted until the committee opens the tender.

    The content (``tenders.sealing.bids``) is encrypted with a fresh AES-256-GCM data key, the
    data key encrypted to the tender's public key. At opening the content goes back into the
    bid's records and is checked against the receipt: ``matched`` says whether every hash held.
    """

    class Problem(models.TextChoices):
        UNDECRYPTABLE = "undecryptable", _("its sealed content does not decrypt")
        DOCUMENT = "document", _("a document does not give its SHA-256")
        CONTENT = "content", _("the content does not give the bid's SHA-256")

    bid = models.OneToOneField("tenders.Bid", on_delete=models.CASCADE, related_name="sealed")
    sealed_key = models.BinaryField()
    ciphertext = models.BinaryField()
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sealed_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    matched = models.BooleanField(_("matches its receipt"), null=True)
    problem = models.CharField(
        _("problem found at opening"), max_length=32, choices=Problem.choices, blank=True
    )

    class Meta:
        verbose_name = _("sealed bid")
        verbose_name_plural = _("sealed bids")

    def __str__(self):
        return f"sealed content of bid {self.bid_id}"

"""A ticket that is drafted, submitted before its deadline and then approved or rejected."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition


class Ticket(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        EXPIRED = "expired", _("expired")

    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True)
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "ticket"

    def __str__(self):
        return self.title

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, *, now):
        self.submitted_at = now

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED)
    def approve(self, *, now):
        self.decided_at = now

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED)
    def reject(self, *, now, reason):
        self.decided_at = now
        self.reason = reason

    @transition(field=state, source=State.DRAFT, target=State.EXPIRED)
    def expire(self):
        pass

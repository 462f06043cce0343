"""The audit log, the notification outbox, in-app notifications and background file jobs."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("Audit entries cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One decision: a state change or another recorded action. Never changed after writing."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=64)
    source_state = models.CharField(_("from state"), max_length=64, blank=True)
    target_state = models.CharField(_("to state"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Set by ``audit.record`` before the hash is taken, since the time is part of the content.
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The place in the hash chain (see ``workflows.chain``), in commit order from 1.
    sequence = models.PositiveBigIntegerField(_("sequence"), db_index=True)
    previous_hash = models.CharField(_("hash of the previous entry"), max_length=64, blank=True)
    entry_hash = models.CharField(_("hash"), max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.object_repr}: {self.action} {self.source_state}->{self.target_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditCheckpoint(models.Model):
    """The head of the audit chain on one day, also written to a file outside the database."""

    day = models.DateField(_("day"), unique=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    count = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64, blank=True)
    # A file field, so the storage clean-up counts the file as referenced and keeps it.
    file = models.FileField(_("file"), max_length=255, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self):
        return f"{self.day}: {self.count}"


class AuditVerification(models.Model):
    """The result of one walk of the audit chain (``workflows.verification.verify``)."""

    class Problem(models.TextChoices):
        CHANGED = "changed", _("Its content does not match its hash: it was changed.")
        MISSING = "missing", _("Entries before it are missing: they were deleted.")
        INSERTED = "inserted", _("It does not follow the entry before it: it was inserted.")
        TRUNCATED = "truncated", _("The log ends before the last checkpoint: entries were deleted.")
        REWRITTEN = "rewritten", _("The entry at the last checkpoint has another hash now.")

    checked_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("intact"))
    count = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("head hash"), max_length=64, blank=True)
    problem = models.CharField(_("problem"), max_length=16, choices=Problem.choices, blank=True)
    # The first entry that does not match, by its place in the chain and its row id.
    entry_sequence = models.PositiveBigIntegerField(_("first bad entry"), null=True, blank=True)
    entry_id = models.PositiveBigIntegerField(_("row id"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("audit verification")
        verbose_name_plural = _("audit verifications")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M}: {'OK' if self.ok else 'FAILED'}"


class OutboxMessage(models.Model):
    """A message to one recipient on one channel, written in the transaction that caused it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        IN_APP = "in_app", _("In the portal")

    key = models.CharField(max_length=255, unique=True)
    event = models.CharField(max_length=100)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    context = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["delivered_at", "published_at"])]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self):
        return self.key


class Notification(models.Model):
    """An in-app notification shown in the user's notification centre."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # A user's notification centre, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.title


def file_job_storage_name(instance, filename):
    # A random name that says nothing about the owner or the content; the download view gives
    # the file its readable name.
    return f"file-jobs/{uuid.uuid4().hex}"


class FileJob(models.Model):
    """A file produced in the background for its owner by a registered producer (``kind``)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    UNFINISHED = (State.QUEUED, State.RUNNING)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="file_jobs"
    )
    kind = models.CharField(_("kind"), max_length=100)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # The kind and parameters in one comparable value: one unfinished job per owner and request.
    fingerprint = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=file_job_storage_name, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime = models.CharField(_("file type"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Written every few seconds by the worker while it produces the file: a job whose
    # heartbeat stopped lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of work"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "fingerprint"],
                condition=models.Q(state__in=["queued", "running"]),
                name="workflows_filejob_one_unfinished",
            )
        ]
        verbose_name = _("file job")
        verbose_name_plural = _("file jobs")

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self):
        return reverse("workflows:file_job", args=[self.pk])

    @property
    def finished(self):
        return self.state not in self.UNFINISHED


class SweepRun(models.Model):
    """When a periodic sweep or relay last finished without an error, so a stopped scheduler
    shows up as late work instead of passing unnoticed."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_success_at = models.DateTimeField(_("last successful run"))
    handled = models.PositiveIntegerField(_("rows handled"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")

    def __str__(self):
        return self.name

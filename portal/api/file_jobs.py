"""Your own file jobs over the API: how far each is, and starting a failed one again through
the job page's service (``workflows.jobs.file_job_retry``)."""

from rest_framework import serializers
from rest_framework.decorators import action

from portal.api.views import ScopedViewSet, action_schema
from workflows import jobs, selectors
from workflows.models import FileJob


class FileJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = FileJob
        fields = [
            "id",
            "kind",
            "state",
            "progress",
            "file_name",
            "mime",
            "created_at",
            "started_at",
            "finished_at",
        ]


class FileJobViewSet(ScopedViewSet):
    """The files you asked the portal to prepare; nobody else's."""

    serializer_class = FileJobSerializer

    def scoped(self, user):
        return selectors.file_jobs_for(user)

    @action_schema(None, FileJobSerializer, "Start a failed job again (answers the new job)")
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        job = jobs.file_job_retry(actor=request.user, job=self.get_object())
        return self.respond(job, status=201)

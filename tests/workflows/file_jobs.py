"""Following a file job in tests: run its task in this process and download the file."""

from django.http import HttpResponse
from django.urls import resolve, reverse

from workflows.models import FileJob
from workflows.tasks import run_file_job


def started_job(response):
    """The job a start view redirected to."""
    assert response.status_code == 302, response.status_code
    match = resolve(response["Location"])
    assert match.view_name == "workflows:file_job", response["Location"]
    return FileJob.objects.get(pk=match.kwargs["pk"])


def run_and_download(client, response):
    """Run the started job's task and return its download as a plain response (``content``,
    ``Content-Type`` = the job's file type, the download's ``Content-Disposition``)."""
    job = started_job(response)
    run_file_job(job.pk)
    job.refresh_from_db()
    assert job.state == FileJob.State.DONE, job.error
    download = client.get(reverse("workflows:file_job_download", args=[job.pk]))
    assert download.status_code == 200
    # Reading the content to the end closes the response the way the test client expects.
    content = b"".join(download.streaming_content)
    return HttpResponse(
        content,
        content_type=job.mime,
        headers={"Content-Disposition": download["Content-Disposition"]},
    )

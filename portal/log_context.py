"""Who and what a log line is about: the request id, the signed-in user and the Celery task.

The web middleware gives every request an id (the caller's ``X-Request-ID`` when it looks like
one, else a new one) and answers with it; a task published while a request or another task is
handled carries that id in its message headers, and the worker takes it back before the task
runs. ``ContextFilter`` puts the three values on every log record, so one bid can be followed
from the submitting request through the mails it caused, in the web and the worker logs alike.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun

log = logging.getLogger(__name__)

HEADER = "portal_request_id"
USER_HEADER = "portal_user_id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

current_request_id = ContextVar("request_id", default=None)
current_user_id = ContextVar("user_id", default=None)
current_task_id = ContextVar("task_id", default=None)


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``user_id`` and ``task_id`` (None when there is none) to records."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        record.user_id = current_user_id.get()
        record.task_id = current_task_id.get()
        return True


class RequestIdMiddleware:
    """Names each request in the log and in the ``X-Request-ID`` answer header; one line per
    request says what was asked, the answer's status and how long it took."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        tokens = (
            current_request_id.set(request.request_id),
            current_user_id.set(_user_of(request)),
        )
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # Signing in or out changes the user during the request.
            current_user_id.set(_user_of(request))
            log.info(
                "%s %s %s in %d ms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            current_user_id.reset(tokens[1])
            current_request_id.reset(tokens[0])


def _user_of(request):
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


@before_task_publish.connect
def carry_context(headers=None, **kwargs):
    if headers is not None and current_request_id.get():
        headers.setdefault(HEADER, current_request_id.get())
        headers.setdefault(USER_HEADER, current_user_id.get())


@task_prerun.connect
def take_context(task_id=None, task=None, **kwargs):
    headers = getattr(task.request, "headers", None) or {}
    current_request_id.set(getattr(task.request, HEADER, None) or headers.get(HEADER))
    current_user_id.set(getattr(task.request, USER_HEADER, None) or headers.get(USER_HEADER))
    current_task_id.set(task_id)
    log.info("Task %s started", task.name)


@task_postrun.connect
def drop_context(**kwargs):
    # A worker process runs one task after another: nothing may leak into the next one.
    current_request_id.set(None)
    current_user_id.set(None)
    current_task_id.set(None)

"""The load test runs on the fault tests' processes: a worker, a beat and gunicorn."""

from tests.faults.conftest import (  # noqa: F401
    mail_dir,
    processes_env,
    real_services,
    redis_server,
    running,
)

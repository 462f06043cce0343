#!/bin/sh
# Worker process: delivers outbox messages and runs the periodic tasks beat sends it.
set -eu
cd /app
exec celery --app portal worker --loglevel INFO --hostname "worker@%h"

#!/bin/sh
# Beat process: the one scheduler, reading its schedule from the database (django-celery-beat).
# Run exactly one beat per installation.
set -eu
cd /app
rm -f /tmp/celerybeat.pid
exec celery --app portal beat --loglevel INFO --pidfile /tmp/celerybeat.pid

#!/bin/sh
# Web process: apply migrations, then serve the portal with gunicorn on port 8000.
set -eu
cd /app
python manage.py migrate --noinput
exec gunicorn portal.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout 60 \
    --access-logfile - \
    --forwarded-allow-ips "*"

"""Production serving for slow links: pages go gzip-compressed, static files under names
hashed from their content, compressed, with a far-future Cache-Control."""

import json

from tests.portal.test_settings import SECRET, run

# Production settings, its static files collected (all but the large ones only the admin and
# the API's schema pages use), then a page and a stylesheet asked for by a browser that
# accepts compressed answers.
SERVE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0,
             ignore_patterns=["admin", "drf_spectacular_sidecar", "rest_framework"])
client = Client(HTTP_HOST="portal.example.org", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
def answer(path, **headers):
    response = client.get(path, secure=True, **headers)
    body = b"".join(response) if response.streaming else response.content
    return {"status": response.status_code, "headers": dict(response.headers),
            "size": len(body)}
stylesheet = static("portal/portal.css")
print(json.dumps({
    "page": answer("/accounts/login/"),
    "plain_page": answer("/accounts/login/", HTTP_ACCEPT_ENCODING=""),
    "stylesheet_url": stylesheet,
    "stylesheet": answer(stylesheet),
}))
"""


def served(tmp_path):
    result = run(
        SERVE, tmp_path, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="portal.example.org"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_compresses_pages_and_serves_hashed_static_files_for_ever(tmp_path):
    answers = served(tmp_path)

    page, plain = answers["page"], answers["plain_page"]
    assert page["status"] == 200
    assert page["headers"]["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["headers"]["Vary"]
    assert page["size"] < plain["size"] / 2
    assert "Content-Encoding" not in plain["headers"]

    assert answers["stylesheet_url"].startswith("/static/portal/portal.")
    assert answers["stylesheet_url"] != "/static/portal/portal.css"
    stylesheet = answers["stylesheet"]
    assert stylesheet["status"] == 200
    assert stylesheet["headers"]["Content-Encoding"] in {"br", "gzip"}
    cache_control = stylesheet["headers"]["Cache-Control"]
    assert "immutable" in cache_control
    assert "max-age=315360000" in cache_control

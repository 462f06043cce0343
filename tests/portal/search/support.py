"""Reading the search page as a user would."""

from django.urls import reverse


def search(client, query, **params):
    return client.get(reverse("search"), {"q": query, **params})


def found(client, query, kind):
    """The titles of the ``kind`` results the page shows for ``query``; None when the user may
    not search that kind at all."""
    for group in search(client, query).context["groups"]:
        if group["kind"].NAME == kind:
            return [result["title"] for result in group["results"]]
    return None

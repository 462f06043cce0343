"""What the grant page tests share: addresses by name and the messages a page shows."""

from django.urls import reverse


def url(name, *args):
    return reverse(f"grants:{name}", args=args)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]

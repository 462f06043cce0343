"""Reading pages the way the translation checks need them: the texts a person sees or hears
(text nodes outside scripts and styles, and the attributes that are read out or shown), and
the links a person can follow with a GET."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Attributes whose text a person sees (a tooltip, an empty field's hint) or a screen reader reads.
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
# Input types whose ``value`` is the button's label.
BUTTON_INPUTS = {"submit", "button", "reset"}
HIDDEN_CONTENT = {"script", "style"}
SPACE = re.compile(r"\s+")


def squeeze(text):
    return SPACE.sub(" ", text).strip()


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.links = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in HIDDEN_CONTENT:
            self._hidden += 1
        for name in READ_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(squeeze(attributes[name]))
        if tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS:
            if attributes.get("value"):
                self.texts.append(squeeze(attributes["value"]))
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if attributes.get("hx-get"):  # a GET that htmx makes from the page
            self.links.append(attributes["hx-get"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_CONTENT:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_CONTENT and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        text = squeeze(data)
        if text and not self._hidden:
            self.texts.append(text)


def read(html):
    """``(texts, links)`` of an HTML document: its visible and read-out texts in document order,
    whitespace squeezed, and the targets of its links and htmx GETs as written."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.texts, reader.links


def same_site_path(base, link):
    """The path and query of ``link`` (found on the page at ``base``) when it stays on the test
    server, else None. Fragments are dropped."""
    if link.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", link))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")

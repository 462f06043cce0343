"""Reading a page's forms the way a browser would: every ``<form method="post">`` with its
action and its inputs (names, types, current values, the options of selects and radios)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Input:
    name: str
    kind: str  # an <input> type, or "textarea", "select", "submit"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    inputs: dict = field(default_factory=dict)  # name -> Input
    multipart: bool = False

    def current(self):
        """What a browser submits untouched: ``{name: [values]}``."""
        data = {}
        for item in self.inputs.values():
            if item.kind in ("checkbox", "radio"):
                values = [value for value, checked in item.options if checked]
            elif item.kind == "select":
                values = [value for value, selected in item.options if selected]
                if not values and item.options and not item.multiple:
                    values = [item.options[0][0]]
            elif item.kind in ("submit", "file"):
                continue
            else:
                values = [item.value]
            if values:
                data[item.name] = values
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms = []
        self.form = None
        self.select = None
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                action = urlsplit(urljoin(self.page_url, attrs.get("action", ""))).path
                multipart = attrs.get("enctype", "") == "multipart/form-data"
                self.form = Form(action=action, multipart=multipart)
                self.forms.append(self.form)
            return
        if self.form is None or not attrs.get("name") and tag != "option":
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._add(attrs["name"], "submit", attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = self._add(attrs["name"], "textarea")
        elif tag == "select":
            self.select = self._add(attrs["name"], "select", multiple="multiple" in attrs)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select.options.append(self.option)

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in ("checkbox", "radio"):
            item = self._add(attrs["name"], kind)
            item.options.append((attrs.get("value", "on"), "checked" in attrs))
        else:
            self._add(attrs["name"], kind, attrs.get("value", ""))

    def _add(self, name, kind, value="", multiple=False):
        item = self.form.inputs.get(name)
        if item is None:
            item = Input(name=name, kind=kind, value=value, multiple=multiple)
            self.form.inputs[name] = item
        return item

    def handle_data(self, data):
        if self.textarea is not None:
            # A browser drops the newline that follows <textarea>.
            if not self.textarea.value and data.startswith("\n"):
                data = data[1:]
            self.textarea.value += data
        if self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            if self.select is not None:
                self.select.options = [
                    (value if value is not None else text.strip(), selected)
                    for value, selected, text in self.select.options
                ]
            self.select = None
        elif tag == "option":
            self.option = None


def post_forms(html, page_url):
    """The page's POST forms."""
    parser = _FormParser(page_url)
    parser.feed(html)
    parser.close()
    return parser.forms


def form_for(html, page_url, action):
    """The POST form on the page that is sent to ``action`` (a path), or ``None``."""
    for form in post_forms(html, page_url):
        if form.action == action:
            return form
    return None

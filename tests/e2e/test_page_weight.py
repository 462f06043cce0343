"""The main pages stay light for slow links, served as production serves them: a first visit
(nothing in the browser's cache) transfers at most 150 KB, a repeat visit at most 30 KB, the
static files then coming from the cache. Sizes are what crossed the wire, compressed, headers
included, as Chromium counts them."""

import pytest

from tests.e2e.conftest import page_opener
from tests.e2e.production_static import collected_static, production_server  # noqa: F401
from tests.e2e.steps import Steps
from tests.e2e.test_accessibility import scene

pytestmark = pytest.mark.e2e

FIRST_VISIT_BYTES = 150 * 1024
REPEAT_VISIT_BYTES = 30 * 1024


class Wire:
    """Bytes the page's requests received, counted by Chromium's network events."""

    def __init__(self, page):
        self.page = page
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.received = 0
        self.session.on("Network.loadingFinished", self._finished)

    def _finished(self, event):
        self.received += event["encodedDataLength"]

    def forget_the_cache(self):
        self.session.send("Network.clearBrowserCache")

    def visit(self, path):
        """Open ``path``; return the bytes it took, the page and everything it loaded."""
        self.received = 0
        response = self.page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        self.page.wait_for_load_state("networkidle")
        return self.received


@pytest.fixture
def new_page(browser, production_server):  # noqa: F811
    with page_opener(browser, production_server) as open_page:
        yield open_page


def test_main_pages_stay_within_their_first_and_repeat_visit_budgets(new_page, capsys):
    over = {}
    for name, (user, path) in scene().items():
        page = new_page()
        if user is not None:
            Steps(page).log_in(user)
        wire = Wire(page)
        wire.forget_the_cache()
        first = wire.visit(path)
        repeat = wire.visit(path)
        with capsys.disabled():  # the figures belong in every run's output, not only failures
            print(
                f"\n{name:18} first {first / 1024:6.1f} KB  repeat {repeat / 1024:6.1f} KB  {path}",
                end="",
            )
        if first > FIRST_VISIT_BYTES or repeat > REPEAT_VISIT_BYTES:
            over[name] = (first, repeat)
    assert over == {}

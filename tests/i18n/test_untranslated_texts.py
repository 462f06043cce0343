"""How the page checks tell an English interface text from names and the texts users type."""

from tests.i18n import pages, untranslated


def test_a_catalogue_text_left_in_english_is_found():
    assert untranslated.catalogue_text_in("Tax certificate") == "Tax certificate"
    assert untranslated.catalogue_text_in("Salgyt gullugynyň güwänamasy") is None


def test_a_catalogue_text_is_found_between_its_placeholders():
    assert untranslated.catalogue_text_in("Türkmenistanyň Jemgyýeti (portal id 1)") == "portal id"


def test_english_words_in_a_row_are_told_from_turkmen_russian_and_names():
    assert untranslated.english_runs("Transport for home visits") == ["Transport for home visits"]
    assert untranslated.english_runs("Şahsy kömekçi") == []
    assert untranslated.english_runs("Работник по уходу на дому") == []
    assert untranslated.english_runs("Aýna Orazowa, Köpetdag etraby") == []


def test_file_names_addresses_and_references_are_not_words():
    text = "terms-of-reference.pdf office@redcrescent.demo.example.org DEMO-NS-0001"
    assert untranslated.english_runs(text) == []


def test_a_page_is_read_as_a_person_sees_it():
    texts, links = pages.read(
        '<title>Tenders</title><script>var x = "Not shown";</script>'
        '<input type="submit" value="Send the bid"><input name="q" placeholder="Search tenders">'
        '<a href="/tenders/1/" title="Open tender">Open</a><div hx-get="/tenders/manage/etraps/">'
    )

    assert texts == ["Tenders", "Send the bid", "Search tenders", "Open tender", "Open"]
    assert links == ["/tenders/1/", "/tenders/manage/etraps/"]
    assert pages.same_site_path("/tenders/", "http://example.org/") is None
    assert pages.same_site_path("/tenders/", "2/#top") == "/tenders/2/"

"""What every tender notification carries."""


def notice_context(tender):
    """What every tender notification shows, JSON-safe and in all three languages."""
    return {
        "reference": tender.reference,
        "titles": {"tk": tender.title_tk, "ru": tender.title_ru, "en": tender.title_en},
        "submission_deadline": (
            tender.submission_deadline.isoformat() if tender.submission_deadline else ""
        ),
    }

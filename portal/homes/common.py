"""What every home section shares."""

from dataclasses import dataclass, field

# How many rows a home list shows; each list links to the full page.
LIST_LENGTH = 10


@dataclass(frozen=True)
class Section:
    """One role's part of the home: ``template`` renders ``data`` (one of the modules'
    dataclasses) as ``home``."""

    name: str
    template: str
    data: object = None


@dataclass(frozen=True)
class Counted:
    """The first rows of a list and how many rows the whole list has."""

    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return self.total > len(self.rows)


def counted(queryset, length=LIST_LENGTH):
    """The first ``length`` rows of ``queryset`` and its count: two queries."""
    return Counted(rows=list(queryset[:length]), total=queryset.count())

"""One page of a list that grows with the programme, with the address of its neighbours."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, rows, *, per_page=None, param="page"):
    """The page of ``rows`` (an ordered queryset) that ``request`` asks for in ``param``, of
    ``per_page`` rows (``PAGE_SIZE`` unless given); a number out of range gives the nearest
    page. The page carries ``links``, the request's other query parameters (the filters)
    followed by ``&`` when there are any, and ``param``, so the page links of
    ``portal/includes/pagination.html`` keep the filters."""
    page = Paginator(rows, per_page or PAGE_SIZE).get_page(request.GET.get(param))
    others = request.GET.copy()
    others.pop(param, None)
    query = others.urlencode()
    page.links = f"{query}&" if query else ""
    page.param = param
    return page


def filters_of(request, param="page"):
    """The request's query string without the page number: the filters alone."""
    others = request.GET.copy()
    others.pop(param, None)
    return others.urlencode()

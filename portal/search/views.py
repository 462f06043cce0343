"""The search page: the query's results of every kind the user may read, one list per kind."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.pagination import paginate
from portal.search import matching
from portal.search.kinds import KINDS

PER_KIND = 10


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()
    words = matching.words_of(query)
    groups = []
    for kind in KINDS if words else []:
        rows = kind.rows(request.user)
        if rows is None:
            continue
        found = matching.find(
            rows,
            query,
            kind.FIELDS,
            names=getattr(kind, "NAMES", ()),
            codes=getattr(kind, "CODES", ()),
        )
        page = paginate(request, found, per_page=PER_KIND, param=f"{kind.NAME}_page")
        results = [
            {
                "title": kind.title(row),
                "link": kind.link(row),
                "excerpt": matching.excerpt(row, words, kind.FIELDS),
            }
            for row in page
        ]
        groups.append({"kind": kind, "page": page, "results": results})
    context = {"query": query, "searched": bool(words), "groups": groups}
    return render(request, "portal/search.html", context)

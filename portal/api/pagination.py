"""Pages of lists: ``?page=`` is a page number from 1; anything else names no page (404)."""

from django.http import Http404
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        if not number.isascii() or not number.isdigit() or int(number) < 1:
            raise Http404
        return number

"""Counts the database queries a request makes, for the benchmark's report."""

from django.db import connection


def count_queries(get_response):
    def middleware(request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware

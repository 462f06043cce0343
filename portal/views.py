from django.shortcuts import render

from portal import health as health_checks


def home(request):
    return render(request, "portal/home.html")


def health(request):
    from django.http import JsonResponse

    report = health_checks.check_all()
    status = 200 if all(part["ok"] for part in report.values()) else 503
    return JsonResponse(report, status=status)

from django.urls import path

from grants.opendata.giving import views

app_name = "giving"

urlpatterns = [
    path("", views.package, name="package"),
    path("grants.xlsx", views.spreadsheet, name="spreadsheet"),
]

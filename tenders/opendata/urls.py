from django.urls import path

from tenders.opendata import views

app_name = "opendata"

urlpatterns = [
    path("releases/", views.releases, name="releases"),
    path("records/<str:ocid>/", views.record, name="record"),
    path("bulk/<str:name>", views.bulk, name="bulk"),
    path("publisher/", views.publisher, name="publisher"),
    path("licence/", views.licence, name="licence"),
    path("publication-policy/", views.policy, name="policy"),
]

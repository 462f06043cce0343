from django.urls import path

from providers.views import documents, members, organisation, review, staff

app_name = "providers"

urlpatterns = [
    path("", organisation.my_organisation, name="my_organisation"),
    path("register/", organisation.register, name="register"),
    path("edit/", organisation.edit, name="edit"),
    path("etraps/", organisation.etrap_options, name="etrap_options"),
    path("submit/", organisation.submit, name="submit"),
    path("members/", members.members, name="members"),
    path("members/<int:pk>/role/", members.member_role, name="member_role"),
    path("members/<int:pk>/remove/", members.member_delete, name="member_remove"),
    path(
        "invitations/<int:pk>/withdraw/",
        members.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", members.invitation, name="invitation"),
    path("documents/", documents.documents, name="documents"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", documents.document_delete, name="document_remove"),
    path("staff/", staff.staff, name="staff"),
    path("staff/add/", staff.staff_create, name="staff_add"),
    path("staff/<int:pk>/edit/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/training/add/", staff.training_create, name="training_add"),
    path(
        "certificates/<int:pk>/download/",
        staff.certificate_download,
        name="certificate_download",
    ),
    path("review/", review.review_list, name="review_list"),
    path("review/<int:pk>/", review.review, name="review"),
    path("review/<int:pk>/<slug:action>/", review.decide, name="decide"),
]

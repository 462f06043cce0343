from django.urls import path

from workflows import job_views, monitoring_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("jobs/<int:pk>/", job_views.file_job, name="file_job"),
    path("jobs/<int:pk>/status/", job_views.file_job_status, name="file_job_status"),
    path("jobs/<int:pk>/retry/", job_views.file_job_retry, name="file_job_retry"),
    path("stuck/", monitoring_views.stuck_work, name="stuck_work"),
    path("jobs/<int:pk>/download/", job_views.file_job_download, name="file_job_download"),
]

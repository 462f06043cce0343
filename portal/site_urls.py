from django.contrib.auth import views as auth_views
from django.urls import path

from portal import views
from portal.api import pages as api_pages
from portal.search.views import search

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("search/", search, name="search"),
    path("language/", views.switch_language, name="switch_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        views.ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/two-factor/", views.two_factor, name="two_factor"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/backup-codes/",
        views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
    path("accounts/two-factor/turn-off/", views.two_factor_turn_off, name="two_factor_turn_off"),
    path("accounts/notifications/", views.notification_settings, name="notification_settings"),
    path("accounts/api-tokens/", api_pages.api_tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        api_pages.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup_sent"),
    path("accounts/signup/resend/", views.signup_resend, name="signup_resend"),
    path("accounts/signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
]

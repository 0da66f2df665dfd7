from django.contrib.auth import views as auth_views
from django.urls import path

from kamri.core.views import StaffLoginView, activity

app_name = "core"

urlpatterns = [
    path("login/", StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("journal/", activity, name="activity"),
]

from django.contrib.auth import views as auth_views
from django.urls import path

from kamri.core import views
from kamri.core.views import StaffLoginView, activity

app_name = "core"

urlpatterns = [
    path("login/", StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("journal/", activity, name="activity"),
    path("equipe/", views.team, name="team"),
    path("equipe/inviter/", views.team_invite, name="team_invite"),
    path("equipe/<int:pk>/role/", views.team_role, name="team_role"),
    path("equipe/<int:pk>/activation/", views.team_active, name="team_active"),
    path("equipe/<int:pk>/lien/", views.team_link, name="team_link"),
]

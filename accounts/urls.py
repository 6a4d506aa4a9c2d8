from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", views.set_language, name="set_language"),
    path("delegasi/", views.delegations, name="delegations"),
    path("delegasi/<int:pk>/cabut/", views.delegation_end, name="delegation_end"),
]

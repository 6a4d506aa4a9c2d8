from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import agency_views, views

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", views.set_language, name="set_language"),
    path("delegasi/", views.delegations, name="delegations"),
    path("delegasi/<int:pk>/cabut/", views.delegation_end, name="delegation_end"),
    path("sandi/<uidb64>/<token>/", agency_views.PasswordSetView.as_view(), name="password_set"),
    path("kelola/", agency_views.agency_home, name="agency_home"),
    path("kelola/peran/", agency_views.vocabulary, name="agency_vocabulary"),
    path("kelola/<slug:code>/", agency_views.agency_detail, name="agency_detail"),
    path("kelola/<slug:code>/orang/baru/", agency_views.person_new, name="agency_person_new"),
    path("kelola/<slug:code>/orang/<int:pk>/", agency_views.person_detail, name="agency_person"),
    path("kelola/<slug:code>/orang/<int:pk>/peran/", agency_views.person_add_role, name="agency_person_add_role"),
    path("kelola/<slug:code>/orang/<int:pk>/tautan-sandi/", agency_views.person_send_link,
         name="agency_person_send_link"),
    path("kelola/<slug:code>/penugasan/<int:pk>/cabut/", agency_views.assignment_revoke,
         name="agency_assignment_revoke"),
    path("kelola/<slug:code>/unit/baru/", agency_views.unit_edit, name="agency_unit_new"),
    path("kelola/<slug:code>/unit/<int:pk>/", agency_views.unit_edit, name="agency_unit"),
]

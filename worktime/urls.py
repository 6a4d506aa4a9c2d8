from django.urls import path

from worktime import views

urlpatterns = [
    path("kelola/<slug:code>/kalender/", views.calendar_edit, name="calendar_edit"),
    path("kelola/<slug:code>/kalender/<int:pk>/hapus/", views.exception_delete, name="calendar_exception_delete"),
]

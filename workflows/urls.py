from django.urls import path

from workflows import views_print
from workflows.views import announcements, cases, invitations, notifications, sops, tasks
from workflows.views import archive

urlpatterns = [
    path("tugas/", tasks.my_tasks, name="my_tasks"),
    path("kasus/saya/", tasks.my_cases, name="my_cases"),
    path("terlambat/", tasks.overdue_in_my_units, name="overdue"),
    path("kasus/mulai/", tasks.start_list, name="start_list"),
    path("kasus/mulai/<int:version_id>/", tasks.start_case, name="start_case"),
    path("kasus/<int:pk>/", cases.case_detail, name="case_detail"),
    path("kasus/<int:pk>/langkah/<int:step>/penanganan/<str:what>/", cases.step_handle, name="step_handle"),
    path("kasus/<int:pk>/langkah/<int:step>/<slug:slug>/", cases.case_action, name="case_action"),
    path("kasus/<int:pk>/batal/", cases.case_cancel_view, name="case_cancel"),
    path("kasus/<int:pk>/undang/", invitations.invite, name="case_invite"),
    path("undangan/<str:token>/", invitations.accept, name="invitation_accept"),
    path("kasus/<int:pk>/konfirmasi/", cases.record_confirmation, name="record_confirmation"),
    path("kasus/<int:pk>/lampiran/<int:attachment_id>/", cases.attachment_download, name="attachment_download"),
    path("notifikasi/", notifications.notification_list, name="notifications"),
    path("notifikasi/<int:pk>/", notifications.notification_open, name="notification_open"),
    path("notifikasi/dibaca/", notifications.notifications_read, name="notifications_read"),
    path("sop/", sops.sop_list, name="sop_list"),
    path("sop/<slug:agency>/<str:code>/", sops.sop_detail, name="sop_detail"),
    path("sop/<slug:agency>/<str:code>/lembar.pdf", views_print.sop_sheet_pdf, name="sop_sheet_pdf"),
    path("sop/<str:code>/", sops.sop_by_code, name="sop_by_code"),
    path("sop/<str:code>/lembar.pdf", sops.sop_by_code, {"sheet": True}, name="sop_by_code_sheet"),
    path("templat/<str:code>/", sops.template_detail, name="template_detail"),
    path("templat/<str:code>/lembar.pdf", views_print.sop_sheet_pdf, name="template_sheet_pdf"),
    path("templat/<str:code>/adopsi/", sops.template_adopt, name="template_adopt"),
    path("kasus/<int:pk>/rekaman.pdf", views_print.case_record_pdf, name="case_record_pdf"),
    path("verifikasi/<str:code>/", views_print.verify_record, name="verify_record"),
    path("arsip/", archive.archive_list, name="archive_list"),
    path("arsip/ekspor.csv", archive.archive_csv, name="archive_csv"),
    path("arsip/ekspor.xlsx", archive.archive_xlsx, name="archive_xlsx"),
    path("arsip/ekspor-zip/", archive.archive_zip, name="archive_zip"),
    path("arsip/ekspor/<int:job_id>/", archive.export_progress, name="archive_export_progress"),
    path("arsip/ekspor/<int:job_id>/unduh/", archive.export_download, name="archive_export_download"),
    path("pengumuman/", announcements.announcement_list, name="announcements"),
    path("pengumuman/feed/", announcements.AnnouncementFeed(), name="announcements_feed"),
    path("pengumuman.json", announcements.announcement_json, name="announcements_json"),
]

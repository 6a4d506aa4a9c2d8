# Run: DATABASE_URL=... manage.py shell < docs/bench_pages_check.py (seed_bench data; no 500s expected)
"""GET the main pages on the seeded database as a seeded PM LKPP and a national auditor; report status and time."""
import time
from django.test import Client
from django.test.utils import setup_test_environment
from accounts.models import User
from workflows.models import Case, Attachment
setup_test_environment()
pm = User.objects.get(username="pm.lkpp.2")
auditor = User.objects.get(username="auditor.bpk.2")
kaltim_open = Case.objects.filter(current_role="pm_lkpp").order_by("pk").first()
done = Case.objects.filter(state="done").order_by("-pk").first()
att = Attachment.objects.filter(case=done).first()
pages = {
    pm: ["/", "/tugas/", "/kasus/saya/", "/notifikasi/", "/sop/", "/monev/", "/penyimpangan/",
         f"/kasus/{kaltim_open.pk}/", f"/kasus/{kaltim_open.pk}/rekaman.pdf"],
    auditor: ["/", "/arsip/", "/arsip/?q=Update", "/arsip/ekspor.csv", f"/kasus/{done.pk}/", f"/kasus/{done.pk}/rekaman.pdf",
              f"/kasus/{done.pk}/lampiran/{att.pk}/" if att else "/", "/monev/", "/penyimpangan/", "/tugas/"],
}
bad = 0
for user, urls in pages.items():
    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(user)
    for url in urls:
        t = time.monotonic()
        r = c.get(url)
        dt = time.monotonic() - t
        bad += r.status_code >= 500
        print(f"{user.username:<14} {r.status_code} {dt:6.2f}s {url}")
print("server errors:", bad)

"""A fifth SOP with effects runs end to end with no code change: an e-mail notice to a role
and an announcement of an outage that has already started (0 days' lead)."""
import datetime
import textwrap

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.workflows.driving import act, start
from workflows import states
from workflows.effects.recipients import role_holders
from workflows.models import Announcement, OutgoingEmail, Sop

pytestmark = pytest.mark.django_db

GANGGUAN = textwrap.dedent("""\
    format: 1
    code: KKP-GANGGUAN-SPSE
    agency: kkp
    unit: lpse
    sheet: {nama: "PENANGANAN GANGGUAN SPSE"}
    lanes:
      - {role: helpdesk, label: "Helpdesk LPSE"}
      - {role: admin_sistem, label: "Administrator Sistem LPSE"}
    steps:
      - no: 1
        kegiatan: "Mencatat laporan gangguan dan mengumumkannya"
        lane: helpdesk
        waktu: "30 menit"
        next: 2
        inputs:
          - {key: uraian, label: "Uraian gangguan", type: text}
          - {key: mulai, label: "Gangguan mulai", type: datetime}
          - {key: perkiraan_selesai, label: "Perkiraan selesai", type: datetime}
        effects:
          - type: notify
            role: admin_sistem
            channel: email
            subject: "Gangguan SPSE {instansi}: {judul}"
            body: "{pelaksana} mencatat gangguan sejak {mulai}: {uraian}"
          - {type: publish_announcement, min_lead_days: 0, start: mulai, end: perkiraan_selesai, text: uraian}
      - no: 2
        kegiatan: "Apakah layanan sudah pulih?"
        lane: admin_sistem
        kind: decision
        question: "Apakah layanan sudah pulih?"
        waktu: "1 hari"
        ya: end
        tidak: 2
    """)


def test_a_fifth_sop_with_a_notice_and_a_zero_day_announcement(tmp_path, people):
    path = tmp_path / "kkp-gangguan.yaml"
    path.write_text(GANGGUAN, encoding="utf-8")
    call_command("import_sop", str(path), stdout=open("/dev/null", "w"))
    version = Sop.objects.get(code="KKP-GANGGUAN-SPSE").latest_version
    now = timezone.now()
    case = act(start(version, "SPSE tidak dapat diakses"), "complete", kelengkapan={
        "uraian": "Server basis data mati", "mulai": now - datetime.timedelta(minutes=20),
        "perkiraan_selesai": now + datetime.timedelta(hours=3)})

    holders = list(role_holders(case, "admin_sistem"))
    assert holders
    emails = OutgoingEmail.objects.filter(subject__startswith="Gangguan SPSE")
    assert sorted(e.recipient_id for e in emails) == sorted(p.pk for p in holders)
    assert all(e.to == e.recipient.email and "Server basis data mati" in e.body for e in emails)
    assert emails[0].subject == f"Gangguan SPSE {case.agency.name}: SPSE tidak dapat diakses"

    announcement = Announcement.objects.get(case=case)
    assert announcement.starts_at < now < announcement.ends_at
    assert act(case, "ya").state == states.DONE

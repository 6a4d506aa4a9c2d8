"""Writing an SOP in the browser: drafts never run, the named signer ratifies, running cases
keep their version, and what the editor exports re-imports as the very same version."""
import datetime
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from accounts.models import Agency
from workflows import authoring
from workflows.definitions import END, SopSpec
from workflows.draft_editor import apply_op, data_from_post
from workflows.models import DraftOrigin, DraftState, OutgoingEmail, SopDraft, SopVersion
from workflows.selectors import startable_versions
from tests.conftest import SOP_DIR

pytestmark = pytest.mark.django_db

KALTIM = "KALTIM-REG-ADMIN-PPE"


@pytest.fixture
def kaltim(seed_sops):
    return seed_sops[KALTIM]


def revision(people, kaltim, **changes) -> SopDraft:
    """A draft of Kaltim's SOP from its current version, with sheet changes."""
    draft = authoring.draft_create(agency=kaltim.agency, by=people["penyusun.sop.kaltim"], origin=DraftOrigin.VERSION,
                                   base_version=kaltim.latest_version)
    if changes:
        data = {**draft.data, "sheet": {**draft.data["sheet"], **changes}}
        draft = authoring.draft_save(draft=draft, data=data, by=people["penyusun.sop.kaltim"])
    return draft


def test_only_the_agencys_sop_authors_start_drafts(people, kaltim):
    for name in ("kepala.lpse.kaltim", "admin.ppe.kaltim", "penyusun.sop.ponorogo", "pm.lkpp"):
        with pytest.raises(PermissionDenied):
            authoring.draft_create(agency=kaltim.agency, by=people[name])
    draft = authoring.draft_create(agency=kaltim.agency, by=people["admin.instansi.kaltim"])
    assert draft.state == DraftState.DRAFT and draft.data["agency"] == "kaltim"


def test_a_draft_never_runs_and_a_ratified_one_does(people, kaltim):
    author, signer = people["penyusun.sop.kaltim"], people["kepala.biro.kaltim"]
    draft = revision(people, kaltim, nomor="J00.3/0620/BPLPSE/B.PBJ")
    starter = people["kepala.lpse.kaltim"]
    assert [v.number for v in startable_versions(starter) if v.sop_id == kaltim.pk] == [1]

    draft = authoring.draft_submit(draft=draft, by=author)
    assert draft.signer == signer and draft.state == DraftState.SUBMITTED
    assert OutgoingEmail.objects.filter(to=signer.email).exists()
    with pytest.raises(PermissionDenied):
        authoring.draft_ratify(draft=draft, by=author)  # the author is not the one named in Disahkan Oleh
    with pytest.raises(ValidationError):
        authoring.draft_save(draft=draft, data=draft.data, by=author)  # submitted: no more edits

    with time_machine.travel(datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC), tick=False):
        version = authoring.draft_ratify(draft=draft, by=signer)
    assert version.number == 2 and version.sop == kaltim
    assert version.spec.sheet["nomor"] == "J00.3/0620/BPLPSE/B.PBJ"
    assert version.spec.sheet["tanggal_pengesahan"] == "7 DESEMBER 2026"  # WITA date of the pengesahan
    assert [v.number for v in startable_versions(starter) if v.sop_id == kaltim.pk] == [2]


def test_a_revision_waits_for_its_tanggal_efektif(people, kaltim):
    draft = revision(people, kaltim, nomor="J00.3/0621/BPLPSE/B.PBJ")
    effective = datetime.date(2027, 1, 4)
    draft = authoring.draft_save(draft=draft, data=draft.data, by=people["penyusun.sop.kaltim"], effective_on=effective)
    authoring.draft_submit(draft=draft, by=people["penyusun.sop.kaltim"])
    with time_machine.travel(datetime.datetime(2026, 12, 10, 1, 0, tzinfo=datetime.UTC), tick=False):
        version = authoring.draft_ratify(draft=draft, by=people["kepala.biro.kaltim"])
        assert version.spec.sheet["tanggal_efektif"] == "4 JANUARI 2027"
        assert kaltim.version_in_force().number == 1
    with time_machine.travel(datetime.datetime(2027, 1, 3, 16, 1, tzinfo=datetime.UTC), tick=False):  # 00.01 WITA
        assert kaltim.version_in_force().number == 2


def test_the_signer_returns_a_draft_with_notes(people, kaltim):
    author, signer = people["penyusun.sop.kaltim"], people["kepala.biro.kaltim"]
    draft = authoring.draft_submit(draft=revision(people, kaltim), by=author)
    with pytest.raises(ValidationError):
        authoring.draft_send_back(draft=draft, by=signer, note="  ")
    draft = authoring.draft_send_back(draft=draft, by=signer, note="Waktu langkah 5 terlalu singkat.")
    assert draft.state == DraftState.DRAFT and draft.return_note == "Waktu langkah 5 terlalu singkat."
    assert SopVersion.objects.filter(sop=kaltim).count() == 1
    authoring.draft_save(draft=draft, data=draft.data, by=author)  # editable again


def test_a_draft_naming_nobody_known_or_with_problems_is_not_submitted(people, kaltim):
    author = people["penyusun.sop.kaltim"]
    unknown = revision(people, kaltim, disahkan_oleh={"jabatan": "X", "nama": "Y", "nip": "196001011990031001"})
    with pytest.raises(ValidationError, match="NIP"):
        authoring.draft_submit(draft=unknown, by=author)
    empty = authoring.draft_create(agency=kaltim.agency, by=author)
    with pytest.raises(ValidationError, match="masalah"):
        authoring.draft_submit(draft=empty, by=author)
    assert SopDraft.objects.filter(state=DraftState.SUBMITTED).count() == 0


def test_the_exported_yaml_reimports_as_the_same_version(people, kaltim, tmp_path):
    draft = authoring.draft_submit(draft=revision(people, kaltim, nomor="J00.3/0622/BPLPSE/B.PBJ"),
                                   by=people["penyusun.sop.kaltim"])
    version = authoring.draft_ratify(draft=draft, by=people["kepala.biro.kaltim"])
    draft = SopDraft.objects.get(pk=draft.pk)
    path = tmp_path / "export.yaml"
    path.write_text(authoring.draft_yaml(draft), encoding="utf-8")
    call_command("import_sop", str(path), stdout=open("/dev/null", "w"))
    assert list(SopVersion.objects.filter(sop=kaltim).values_list("number", "source_sha256")) == [
        (2, version.source_sha256), (1, kaltim.versions.get(number=1).source_sha256)]


def test_an_uploaded_file_becomes_a_draft_and_a_foreign_one_is_refused(people, seed_sops):
    author = people["penyusun.sop.kaltim"]
    kaltim = Agency.objects.get(code="kaltim")
    text = (SOP_DIR / "kaltim-registrasi-admin-ppe.yaml").read_text(encoding="utf-8")
    draft = authoring.draft_create(agency=kaltim, by=author, origin=DraftOrigin.UPLOAD, text=text)
    assert authoring.draft_spec(draft) == (SopSpec.from_data(draft.data), [])
    ponorogo = (SOP_DIR / "ponorogo-pembaharuan-update-spse.yaml").read_text(encoding="utf-8")
    for bad in (ponorogo, "::: not yaml [", "- just\n- a list\n"):
        with pytest.raises(ValidationError):
            authoring.draft_create(agency=kaltim, by=author, origin=DraftOrigin.UPLOAD, text=bad)


# -- the editor's form ----------------------------------------------------------------------

class _Form(HTMLParser):
    """The values a browser would post from the editor form (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._textarea = self._select = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("name") != "csrfmiddlewaretoken":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value", "on")))
            else:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.pairs.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def posted(html: str) -> QueryDict:
    form = _Form()
    form.feed(html)
    query = QueryDict(mutable=True)
    for key, value in form.pairs:
        query.appendlist(key, value)
    return query


@pytest.mark.parametrize("path", sorted(SOP_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_editor_shows_every_seed_sop_whole(people, seed_sops, client, path):
    """Open a seed SOP in the editor and post the form back untouched: the same SOP comes out."""
    version = next(v for sop in seed_sops.values() for v in sop.versions.all() if v.source_name == str(path))
    author = {"ponorogo": "penyusun.sop.ponorogo", "kaltim": "penyusun.sop.kaltim"}.get(version.sop.agency.code,
                                                                                         "admin")
    draft = authoring.draft_create(agency=version.sop.agency, by=people[author], origin=DraftOrigin.VERSION,
                                   base_version=version) if author != "admin" else SopDraft.objects.create(
        agency=version.sop.agency, data=version.definition, created_by=people["admin"])
    client.force_login(people[author])
    page = client.get(reverse("draft_edit", args=[draft.pk]))
    assert page.status_code == 200
    data = data_from_post(posted(page.content.decode()), draft.data)
    assert SopSpec.from_data(data).as_data() == version.spec.as_data()


def test_moving_and_removing_steps_keeps_the_flow(people, kaltim):
    data = kaltim.latest_version.definition
    moved = apply_op(data, "step_down:2").data  # step 3 (TIDAK -> 3 -> 4 -> 2) and step 4 swap places
    spec = SopSpec.from_data(moved)
    assert spec.step(2).tidak == 4 and spec.step(4).next == 3 and spec.step(3).next == 2
    assert [s.kegiatan for s in spec.steps][2:4] == [kaltim.latest_version.spec.step(4).kegiatan,
                                                    kaltim.latest_version.spec.step(3).kegiatan]
    removed = apply_op(data, "remove_step:4").data  # step 5, the YA branch's target
    assert removed["steps"][1]["ya"] is None and len(removed["steps"]) == 7
    added = apply_op(data, "add_decision").data
    assert added["steps"][-2]["next"] == 9 and added["steps"][-1]["kind"] == "decision"
    assert apply_op(data, "remove_step:99").data == data and apply_op(data, "nonsense:1:2").data == data


# -- the pages ------------------------------------------------------------------------------

def test_the_pages_need_the_right_person(people, kaltim, client):
    draft = revision(people, kaltim)
    edit = reverse("draft_edit", args=[draft.pk])
    assert client.get(edit).status_code == 302  # to the login page
    client.force_login(people["penyusun.sop.ponorogo"])
    assert client.get(edit).status_code == 404  # another agency's draft
    assert client.post(reverse("draft_autosave", args=[draft.pk]), {"code": "X"}).status_code == 404
    client.force_login(people["kepala.biro.kaltim"])
    assert client.get(reverse("draft_list")).status_code == 200
    assert client.get(edit).status_code == 404  # not submitted to them (yet)
    client.force_login(people["penyusun.sop.kaltim"])
    assert client.get(edit).status_code == 200
    assert client.get(reverse("draft_preview", args=[draft.pk])).status_code == 200


def test_typing_saves_and_puts_the_message_beside_the_field(people, kaltim, client):
    draft = revision(people, kaltim)
    client.force_login(people["penyusun.sop.kaltim"])
    form = posted(client.get(reverse("draft_edit", args=[draft.pk])).content.decode())
    form["steps.1.waktu"] = "sepuluh menit"
    answer = client.post(reverse("draft_autosave", args=[draft.pk]), form, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    html = answer.content.decode()
    slot = html[html.index('id="e-steps-1-waktu"'):]
    assert "tidak terbaca" in slot[:400]
    draft = SopDraft.objects.get(pk=draft.pk)
    assert draft.data["steps"][1]["waktu"] == "sepuluh menit"
    preview = client.get(reverse("draft_preview", args=[draft.pk])).content.decode()
    assert "sepuluh menit" in preview and "tidak terbaca" in preview


def test_the_preview_is_the_sheet_the_pdf_prints(people, kaltim, client):
    draft = revision(people, kaltim)
    client.force_login(people["penyusun.sop.kaltim"])
    answer = client.get(reverse("draft_preview", args=[draft.pk]))
    html = answer.content.decode()
    assert "REGISTRASI ADMIN PPE" in html and "<svg" in html and "Apakah berkas lengkap?" in html
    assert answer["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in answer["Content-Security-Policy"]


def test_a_structural_button_renders_the_editor_with_the_new_step(people, kaltim, client):
    draft = revision(people, kaltim)
    client.force_login(people["penyusun.sop.kaltim"])
    form = posted(client.get(reverse("draft_edit", args=[draft.pk])).content.decode())
    form["op"] = "add_step"
    answer = client.post(reverse("draft_edit", args=[draft.pk]), form, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert answer.status_code == 200 and 'name="steps.8.kegiatan"' in html
    # The cursor goes to the new step's Kegiatan: the only field marked autofocus.
    assert html.count(" autofocus") == 1 and re.search(r'<textarea id="f-steps-8-kegiatan"[^>]* autofocus', html)
    draft = SopDraft.objects.get(pk=draft.pk)
    assert len(draft.data["steps"]) == 9 and draft.data["steps"][7]["next"] == 9
    assert draft.data["steps"][8]["next"] == END
    form["op"] = "remove_step:bogus"
    assert client.post(reverse("draft_edit", args=[draft.pk]), form).status_code == 302


def test_new_draft_page_says_what_is_missing(people, seed_sops, client):
    client.force_login(people["penyusun.sop.kaltim"])
    kaltim = Agency.objects.get(code="kaltim")
    answer = client.post(reverse("draft_new"), {"agency": kaltim.pk, "origin": "unggahan"})
    assert answer.status_code == 400 and "Pilih berkas YAML" in answer.content.decode()
    bad = SimpleUploadedFile("x.yaml", b"\xff\xfe\x00", content_type="application/yaml")
    answer = client.post(reverse("draft_new"), {"agency": kaltim.pk, "origin": "unggahan", "file": bad})
    assert answer.status_code == 400 and "UTF-8" in answer.content.decode()
    client.force_login(people["admin.ppe.kaltim"])
    assert client.get(reverse("draft_new")).status_code == 403


def test_the_signer_sees_what_the_draft_changes(people, kaltim, client):
    draft = revision(people, kaltim)
    data = draft.data
    data["steps"][4]["waktu"] = "45 Menit"
    draft = authoring.draft_save(draft=draft, data=data, by=people["penyusun.sop.kaltim"])
    draft = authoring.draft_submit(draft=draft, by=people["penyusun.sop.kaltim"])
    client.force_login(people["kepala.biro.kaltim"])
    page = client.get(reverse("draft_changes", args=[draft.pk])).content.decode()
    assert "mutu baku berubah di langkah 5" in page and "<mark>45</mark> Menit" in page and "<del>30</del>" in page
    blank = authoring.draft_create(agency=kaltim.agency, by=people["penyusun.sop.kaltim"])
    client.force_login(people["penyusun.sop.kaltim"])
    assert client.get(reverse("draft_changes", args=[blank.pk])).status_code == 200


def test_an_effect_is_added_and_configured_in_the_editor(people, kaltim, client):
    """Effects are configuration: picked from a list, their parameters checked beside their fields."""
    draft = revision(people, kaltim)
    client.force_login(people["penyusun.sop.kaltim"])
    edit = reverse("draft_edit", args=[draft.pk])
    form = posted(client.get(edit).content.decode())
    form["steps.7.new_effect"], form["op"] = "notify", "add_effect:7"
    page = client.post(edit, form, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="steps.7.effects.0.subject"' in page
    missing = re.search(r'id="e-steps-7-effects-0-subject" class="field-error">([^<]+)<', page)
    assert missing and "wajib" in missing.group(1)  # a required parameter, named beside its field
    form = posted(page)
    form.pop("op", None)
    form["steps.7.effects.0.role"] = "kepala_ukpbj"
    form["steps.7.effects.0.channel"] = "email"
    form["steps.7.effects.0.subject"] = "Arsip registrasi {judul} selesai"
    form["steps.7.effects.0.body"] = "Registrasi Admin PPE {judul} telah diarsipkan oleh {pelaksana}."
    client.post(reverse("draft_autosave", args=[draft.pk]), form, HTTP_HX_REQUEST="true")
    draft = SopDraft.objects.get(pk=draft.pk)
    spec, problems = authoring.draft_spec(draft)
    assert problems == [] and spec.step(8).effects[0].role == "kepala_ukpbj"
    form["steps.7.effects.0.body"] = "Diarsipkan {tidak_ada}."
    answer = client.post(reverse("draft_autosave", args=[draft.pk]), form, HTTP_HX_REQUEST="true").content.decode()
    slot = answer[answer.index('id="e-steps-7-effects-0-body"'):][:300]
    assert "tidak_ada" in slot


def test_a_draft_from_a_national_template_becomes_an_adoption(people, seed_sops):
    call_command("import_sop", str(SOP_DIR.parent / "templates" / "lkpp-registrasi-admin-ppe.yaml"),
                 stdout=open("/dev/null", "w"))
    template = SopVersion.objects.get(sop__agency__isnull=True)
    ponorogo = Agency.objects.get(code="ponorogo")
    author = people["penyusun.sop.ponorogo"]
    draft = authoring.draft_create(agency=ponorogo, by=author, origin=DraftOrigin.TEMPLATE, base_version=template)
    assert draft.data["agency"] == "ponorogo" and "template" not in draft.data
    data = {**draft.data, "sheet": {**draft.data["sheet"], "nomor": "027/01/405.29/2026", "disahkan_oleh": {
        "jabatan": "Kepala Bagian Pengadaan Barang dan Jasa", "nama": "Drs. Agus Pramono, M.Si.",
        "nip": "19700312 199503 1 004"}}}
    draft = authoring.draft_submit(draft=authoring.draft_save(draft=draft, data=data, by=author), by=author)
    assert draft.signer == people["kepala.ukpbj.ponorogo"]
    version = authoring.draft_ratify(draft=draft, by=people["kepala.ukpbj.ponorogo"])
    assert version.sop.agency == ponorogo and version.sop.template == template.sop
    assert version.template_version == template


def test_make_run_shows_a_draft_waiting_for_its_head(people, kaltim):
    from workflows.demo_cases import load_demo_draft

    assert load_demo_draft() is True and load_demo_draft() is False
    draft = SopDraft.objects.get()
    assert draft.state == DraftState.SUBMITTED and draft.signer == people["kepala.biro.kaltim"]
    assert authoring.draft_spec(draft)[0].step(5).waktu.text == "20 Menit"

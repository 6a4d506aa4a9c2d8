"""SOP drafts: an SOP being written or revised in the browser, before it runs.

A draft holds the definition as the author typed it so far (valid or not), never runs, and
becomes an SOP version only when the person named in "Disahkan Oleh" ratifies it
(pengesahan). Its life is a small state machine (django-fsm): draf -> diajukan ->
disahkan, or diajukan -> draf again with the signer's notes, or draf -> dibuang.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from accounts.models import Agency


class DraftState(models.TextChoices):
    DRAFT = "draf", _("Draf")
    SUBMITTED = "diajukan", _("Diajukan untuk pengesahan")
    RATIFIED = "disahkan", _("Disahkan")
    DISCARDED = "dibuang", _("Dibuang")


class DraftOrigin(models.TextChoices):
    EMPTY = "kosong", _("Dari kosong")
    TEMPLATE = "templat", _("Dari templat nasional")
    VERSION = "versi", _("Dari versi yang berlaku")
    UPLOAD = "unggahan", _("Dari berkas YAML")


class SopDraft(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="sop_drafts",
                               verbose_name=_("instansi"))
    origin = models.CharField(_("asal"), max_length=10, choices=DraftOrigin.choices, default=DraftOrigin.EMPTY)
    base_version = models.ForeignKey("workflows.SopVersion", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("berangkat dari versi"))
    data = models.JSONField(_("definisi"), default=dict)
    effective_on = models.DateField(_("berlaku mulai"), null=True, blank=True,
                                    help_text=_("Kosong: berlaku sejak disahkan."))
    state = FSMField(_("status"), default=DraftState.DRAFT, choices=DraftState.choices, protected=True,
                     max_length=10)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("penyusun"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="sop_drafts_to_ratify", verbose_name=_("yang mengesahkan"))
    decided_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(_("catatan pengembalian"), blank=True)
    version = models.OneToOneField("workflows.SopVersion", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="draft", verbose_name=_("versi yang dihasilkan"))

    class Meta:
        verbose_name = _("draf SOP")
        verbose_name_plural = _("draf SOP")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["signer", "state"])]

    def __str__(self) -> str:
        return self.name or str(_("Draf tanpa nama"))

    @property
    def name(self) -> str:
        sheet = self.data.get("sheet") if isinstance(self.data, dict) else None
        return str(sheet.get("nama") or "") if isinstance(sheet, dict) else ""

    @property
    def code(self) -> str:
        return str(self.data.get("code") or "") if isinstance(self.data, dict) else ""

    @property
    def is_editable(self) -> bool:
        return self.state == DraftState.DRAFT

    def get_absolute_url(self) -> str:
        return reverse("draft_edit", args=[self.pk])

    # -- pengesahan (the guards and side effects live in workflows.authoring) ---------------

    @transition(field=state, source=DraftState.DRAFT, target=DraftState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=DraftState.SUBMITTED, target=DraftState.RATIFIED)
    def ratify(self) -> None:
        pass

    @transition(field=state, source=DraftState.SUBMITTED, target=DraftState.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=state, source=DraftState.DRAFT, target=DraftState.DISCARDED)
    def discard(self) -> None:
        pass

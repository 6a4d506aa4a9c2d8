from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """An outside party (a Penyedia's staff, no NIP) asked to take one lane of one case.

    The link in the email carries a random token; only its SHA-256 is stored. The link
    expires; once accepted, the person has an account that sees this case only (an explicit
    django-guardian grant) and acts only on this lane's steps.
    """

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="invitations")
    lane_role = models.CharField(_("pelaksana"), max_length=40)  # a Role code of scope "outside"
    name = models.CharField(_("nama"), max_length=200)
    organization = models.CharField(_("perusahaan/organisasi"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    npwp = models.CharField(_("NPWP"), max_length=30, blank=True)
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("diundang oleh"))
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="invitations", verbose_name=_("akun"))

    class Meta:
        verbose_name = _("undangan pihak luar")
        verbose_name_plural = _("undangan pihak luar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"

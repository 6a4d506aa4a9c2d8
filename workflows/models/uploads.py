from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StagedUpload(models.Model):
    """A file chosen on a step form that was not accepted yet (another row was added, or a
    field had an error). Kept for its owner so nobody has to choose it again; it becomes an
    Attachment when the form is accepted, and is removed after a day otherwise."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="staged/%Y/%m/%d/")
    original_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("berkas sementara")
        verbose_name_plural = _("berkas sementara")

    def __str__(self) -> str:
        return self.original_name

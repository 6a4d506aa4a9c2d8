from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows import ledger
from workflows.models.sops import AppendOnlyQuerySet


class LedgerEntry(models.Model):
    """One link of a case's hash chain (workflows.ledger): a row's content when it was written."""

    case = models.ForeignKey("workflows.Case", on_delete=models.PROTECT, related_name="ledger")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)  # event | steprun | input | attachment
    object_id = models.PositiveBigIntegerField()
    payload = models.TextField()  # canonical JSON: exactly what the hash covers
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rantai riwayat")
        verbose_name_plural = _("rantai riwayat")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="one_ledger_entry_per_case_and_seq")]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Ledger entries are append-only.")
        super().save(*args, **kwargs)


class Chained(models.Model):
    """A row whose every save is chained onto its case's ledger."""

    ledger_kind = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        ledger.append(self.ledger_kind, self, LedgerEntry)

    @classmethod
    def create_all(cls, rows: list) -> list:
        """``rows`` inserted with one INSERT and chained in order, as saving each would chain
        them (bulk_create calls no save)."""
        if not rows:
            return []
        created = cls._default_manager.bulk_create(rows)
        for row in created:
            ledger.append(row.ledger_kind, row, LedgerEntry)
        return created

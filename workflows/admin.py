"""Admin: SOP versions and cases are read-only here; cases change only through the services."""
from django.contrib import admin
from django.utils.translation import gettext as _

from workflows.models import (Attachment, Case, CaseEvent, CaseInput, EmailAttempt, OutgoingEmail, Sop, SopVersion,
                              StepRun)
from workflows.outbox import retry_failed


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SopVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SopVersion
    fields = ["number", "source_name", "source_sha256", "imported_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Sop)
class SopAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "agency"]
    list_filter = ["agency"]
    search_fields = ["name", "code"]
    inlines = [SopVersionInline]


@admin.register(SopVersion)
class SopVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["sop", "number", "source_name", "imported_at"]
    list_filter = ["sop__agency"]
    readonly_fields = ["sop", "number", "source_name", "source_sha256", "imported_at", "imported_by", "source_text"]
    exclude = ["definition"]


class StepRunInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = StepRun
    fields = ["step_no", "lane_role", "activated_at", "due_at", "completed_at", "actor", "outcome", "note"]
    readonly_fields = fields
    extra = 0


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseEvent
    fields = ["at", "actor", "role", "unit", "action", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0


class CaseInputInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseInput
    fields = ["step_run", "key", "label", "value", "provided_by", "provided_at"]
    readonly_fields = fields
    extra = 0


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attachment
    fields = ["label", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "sop_version", "agency", "state", "current_role", "started_at", "closed_at"]
    list_filter = ["agency", "state", "sop_version__sop"]
    search_fields = ["title"]
    readonly_fields = ["sop_version", "agency", "unit", "title", "state", "current_role", "started_by", "started_at",
                       "closed_at", "cancel_reason"]
    inlines = [StepRunInline, CaseInputInline, AttachmentInline, CaseEventInline]


class EmailAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EmailAttempt
    fields = ["at", "ok", "error"]
    readonly_fields = fields
    extra = 0


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Every email the application sends, with each attempt; failed ones can be sent again."""

    list_display = ["to", "subject", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = ["to", "recipient", "subject", "body", "case", "status", "attempts", "next_attempt_at",
                       "last_error", "created_at", "sent_at"]
    inlines = [EmailAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Kirim ulang email yang gagal"))
    def send_again(self, request, queryset):
        count = retry_failed(queryset)
        self.message_user(request, _("%(count)d email diantrekan untuk dikirim ulang.") % {"count": count})

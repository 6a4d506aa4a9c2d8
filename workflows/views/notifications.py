from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workflows.access import may_view


@login_required
def notification_list(request):
    notifications = request.user.notifications.select_related("case__agency")[:100]
    return render(request, "workflows/notifications.html", {"notifications": notifications})


@login_required
def notification_open(request, pk: int):
    """Following a notification marks it read and goes to its case."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        request.user.notifications.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    if not may_view(request.user, notification.case):
        # A co-holder of the lane took the step, and this person has no other part in the case.
        messages.info(request, _("Langkah itu sudah dikerjakan orang lain; kasus \"%(title)s\" tidak lagi menunggu "
                                 "Anda.") % {"title": notification.case.title})
        return redirect("notifications")
    return redirect("case_detail", notification.case_id)


@login_required
@require_POST
def notifications_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")

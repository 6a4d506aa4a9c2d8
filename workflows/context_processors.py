from accounts.administration import administers_any
from accounts.standing import headed_unit_keys, held_assignments
from workflows.archive import may_use_archive
from workflows.authoring import authors_any
from workflows.models import DraftState, OutgoingEmail, SopDraft
from workflows.selectors import count_upto

UNREAD_SHOWN = 99


def navigation(request):
    """What the header shows on every page: unread notifications and the person's agencies."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agencies = sorted({a.unit.agency.name for a in held_assignments(user)})
    # Counted no further than the badge shows ("99+"): a national lane's PM LKPP holds 30,000
    # unread notices at 1,000,000 cases, and counting them all cost 85 ms on every page.
    unread, more = count_upto(user.notifications.filter(read_at__isnull=True), UNREAD_SHOWN)
    context = {"unread_notifications": f"{UNREAD_SHOWN}+" if more else unread,
               "user_agencies": agencies, "is_auditor": may_use_archive(user),
               "is_agency_admin": administers_any(user)}
    # Terlambat di unit saya: for heads, Plt./Plh. included; Delegasi: for them and for agency
    # administrators (who delegate in every unit).
    context["heads_units"] = bool(headed_unit_keys(user))
    context["is_head"] = context["is_agency_admin"] or context["heads_units"]
    context["sees_deviations"] = context["heads_units"] or context["is_auditor"]
    # Susun SOP: for the agency's SOP authors, and for whoever a draft waits on for pengesahan.
    context["drafts_to_ratify"] = SopDraft.objects.filter(signer=user, state=DraftState.SUBMITTED).count()
    context["is_sop_author"] = authors_any(user)
    if user.is_staff:  # the administrator sees mail that could not be delivered, wherever they are
        context["failed_emails"] = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count()
    return context

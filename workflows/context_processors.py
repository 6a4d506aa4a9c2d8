from workflows.archive import may_use_archive


def navigation(request):
    """What the header shows on every page: unread notifications and the person's agencies."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    agencies = sorted({a.unit.agency.name for a in user.role_assignments.select_related("unit__agency")})
    return {"unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
            "user_agencies": agencies, "is_auditor": may_use_archive(user)}

"""Outside parties on one case: invited by email to one lane, they accept by a link that
expires, get an account that sees that case only, and act only on that lane's steps."""
from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from accounts.models import Role, User
from workflows import engine
from workflows.access import VIEW_CASE
from workflows.exceptions import ActionRefused
from workflows.models import Case, Invitation
from workflows.outbox import queue_email

VALID_FOR = datetime.timedelta(days=7)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def outside_lanes(case: Case) -> list:
    """The lanes of the case's SOP held by outside parties, in sheet order."""
    codes = set(Role.objects.filter(code__in=[lane.role for lane in case.spec.lanes], scope=Role.Scope.OUTSIDE)
                .values_list("code", flat=True))
    return [lane for lane in case.spec.lanes if lane.role in codes]


def may_invite(case: Case, user: User) -> bool:
    """Whoever started the case, or may act on its current step, invites the outside parties;
    an outside party does not invite others."""
    if case.is_closed or case.invitations.filter(user_id=user.pk).exists():
        return False
    step = case.current_step
    return case.started_by_id == user.pk or (step is not None and engine.lane_assignment(case, user, step.lane)
                                             is not None)


@transaction.atomic
def invitation_send(*, case_id: int, lane_role: str, by: User, name: str, organization: str, email: str,
                    phone: str = "", npwp: str = "") -> Invitation:
    """Invite one person for one outside lane of the case; emails them a link valid for 7 days."""
    case = Case.objects.select_for_update().select_related("agency", "sop_version__sop").get(pk=case_id)
    if not may_invite(case, by):
        raise PermissionDenied(_("Pihak luar diundang oleh yang memulai kasus atau pelaksana langkah yang berjalan."))
    lane = next((lane for lane in outside_lanes(case) if lane.role == lane_role), None)
    if lane is None:
        raise ValidationError({"lane_role": _("SOP ini tidak punya pelaksana pihak luar '%(role)s'.")
                                            % {"role": lane_role}})
    if case.invitations.filter(lane_role=lane_role, accepted_at__isnull=False).exists():
        raise ActionRefused(_("%(lane)s kasus ini sudah menerima undangannya.") % {"lane": lane.label})
    errors = {key: _("%(label)s wajib diisi.") % {"label": label}
              for key, label, value in (("name", _("Nama"), name), ("organization", _("Perusahaan"), organization),
                                        ("email", _("Email"), email)) if not (value or "").strip()}
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        case=case, lane_role=lane_role, name=" ".join(name.split()), organization=" ".join(organization.split()),
        email=email.strip(), phone=phone.strip(), npwp=npwp.strip(), token_sha256=_digest(token),
        expires_at=timezone.now() + VALID_FOR, invited_by=by)
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", args=[token])
    values = {"name": invitation.name, "lane": lane.label, "sop": case.spec.name, "title": case.title,
              "agency": case.agency.name, "by": by.full_name, "link": link,
              "until": timezone.localtime(invitation.expires_at, case.agency.tzinfo).strftime("%d-%m-%Y %H.%M")}
    queue_email(to=invitation.email, case=case, redact=link, subject=_("[LPSE SOP] Undangan: %(title)s") % values,
                body=_("Yth. %(name)s,\n\n%(by)s mengundang Anda sebagai %(lane)s pada kasus \"%(title)s\" "
                       "(%(sop)s, %(agency)s).\n\nBuka tautan ini untuk membuat akun dan melihat kasusnya "
                       "(berlaku sampai %(until)s):\n%(link)s\n") % values)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be accepted; ActionRefused says why not."""
    invitation = (Invitation.objects.select_related("case__agency", "case__sop_version__sop")
                  .filter(token_sha256=_digest(token or "")).first())
    if invitation is None:
        raise ActionRefused(_("Tautan undangan ini tidak dikenal. Periksa tautannya di email Anda."))
    if invitation.accepted_at is not None:
        raise ActionRefused(_("Undangan ini sudah diterima. Masuk dengan akun yang dibuat waktu itu."))
    if invitation.expires_at <= timezone.now():
        raise ActionRefused(_("Undangan ini sudah kedaluwarsa. Minta pengundang mengirim undangan baru."))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str) -> User:
    """Create the outside party's account and give it this case (and this lane) only."""
    invitation = invitation_for_token(token)
    case = Case.objects.select_for_update().get(pk=invitation.case_id)  # one acceptance per lane at a time
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ActionRefused(_("Undangan ini sudah diterima. Masuk dengan akun yang dibuat waktu itu."))
    if case.is_closed:
        raise ActionRefused(_("Kasus ini sudah ditutup; undangannya tidak berlaku lagi."))
    if case.invitations.filter(lane_role=invitation.lane_role, accepted_at__isnull=False).exists():
        raise ActionRefused(_("Orang lain sudah menerima undangan untuk peran ini pada kasus ini."))
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Nama pengguna wajib diisi.")})
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Nama pengguna itu sudah dipakai; pilih yang lain.")})
    user = User(username=username, full_name=invitation.name, email=invitation.email, phone=invitation.phone,
                organization=invitation.organization, npwp=invitation.npwp)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # taken a moment ago by someone else
        raise ValidationError({"username": _("Nama pengguna itu sudah dipakai; pilih yang lain.")}) from None
    assign_perm(VIEW_CASE, user, invitation.case)  # the one case this person may open
    invitation.user = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["user", "accepted_at"])
    return user

"""Storing a definition file as a new, immutable SOP version."""
from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Agency
from workflows.definitions import DefinitionError, Problem, SopSpec, parse_definition
from workflows.models import Sop, SopVersion


@transaction.atomic
def sop_import(*, text: str, source_name: str, by=None) -> tuple[SopVersion, bool]:
    """Validate ``text`` and store it as the next version of its SOP.

    Returns (version, created). The same text imported again returns the existing version
    and stores nothing. Raises DefinitionError (and stores nothing) for a bad file.
    """
    spec = parse_definition(text, source_name)
    agency = Agency.objects.filter(code=spec.agency).first()
    if agency is None:
        raise DefinitionError([Problem(source_name, _("instansi '%(code)s' belum terdaftar; daftarkan dulu di admin.")
                                       % {"code": spec.agency}, field="agency")])
    sha = hashlib.sha256(text.encode()).hexdigest()
    sop, _created = Sop.objects.select_for_update().get_or_create(
        code=spec.code, defaults={"agency": agency, "name": spec.name})
    if sop.agency_id != agency.pk:
        raise DefinitionError([Problem(source_name, _("SOP %(code)s milik %(agency)s; kode ini tidak dapat dipakai instansi lain.")
                                       % {"code": spec.code, "agency": sop.agency.name}, field="code")])
    existing = sop.versions.filter(source_sha256=sha).first()
    if existing:
        return existing, False
    number = (sop.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = SopVersion.objects.create(sop=sop, number=number, source_name=source_name, source_text=text,
                                        source_sha256=sha, definition=spec.as_data(), imported_by=by)
    if sop.name != spec.name:
        Sop.objects.filter(pk=sop.pk).update(name=spec.name)
    return version, True


def latest_spec(code: str) -> SopSpec:
    return Sop.objects.get(code=code).latest_version.spec

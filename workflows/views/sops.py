from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from workflows.models import Sop


@login_required
def sop_list(request):
    sops = Sop.objects.select_related("agency").prefetch_related("versions").order_by("agency__name", "name")
    return render(request, "workflows/sop_list.html", {"sops": sops})


@login_required
def sop_detail(request, code: str):
    sop = get_object_or_404(Sop.objects.select_related("agency"), code=code)
    versions = list(sop.versions.order_by("-number"))
    return render(request, "workflows/sop_detail.html", {"sop": sop, "versions": versions,
                                                         "spec": versions[0].spec if versions else None})

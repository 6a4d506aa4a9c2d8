"""Case states: ``new``, ``step-<no>`` for the step that is waiting, ``done``, ``cancelled``."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
NEW = "new"
DONE = "done"
CANCELLED = "cancelled"
CLOSED = (DONE, CANCELLED)


def of_step(no: int) -> str:
    return f"step-{no}"


def step_no(state: str) -> int | None:
    return int(state.removeprefix("step-")) if state.startswith("step-") else None


ACTION_LABELS = {
    "start": gettext_lazy("dimulai"),
    "complete": gettext_lazy("langkah diselesaikan"),
    "decide_ya": gettext_lazy("keputusan YA"),
    "decide_tidak": gettext_lazy("keputusan TIDAK"),
    "send_back": gettext_lazy("dikembalikan"),
    "cancel": gettext_lazy("dibatalkan"),
    "take": gettext_lazy("langkah diambil"),
    "assign": gettext_lazy("langkah ditugaskan"),
    "release": gettext_lazy("langkah dilepas"),
    "retensi": gettext_lazy("dokumen pribadi dihapus (masa retensi)"),
}


def label(state: str) -> str:
    """A state as a person reads it: "langkah 3", "selesai", "dibatalkan"."""
    if (no := step_no(state)) is not None:
        return _("langkah %(no)d") % {"no": no}
    return {NEW: _("baru"), DONE: _("selesai"), CANCELLED: _("dibatalkan")}.get(state, state)

"""Case states: ``new``, ``step-<no>`` for the step that is waiting, ``done``, ``cancelled``."""
NEW = "new"
DONE = "done"
CANCELLED = "cancelled"
CLOSED = (DONE, CANCELLED)


def of_step(no: int) -> str:
    return f"step-{no}"


def step_no(state: str) -> int | None:
    return int(state.removeprefix("step-")) if state.startswith("step-") else None

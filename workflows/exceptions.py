class ActionRefused(Exception):
    """An action that cannot be taken in the case's present state; the message says why.

    (A person lacking the role gets django's PermissionDenied instead.)
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class StepNotCurrent(ActionRefused):
    """The step acted on is no longer the waiting one (someone else was faster)."""

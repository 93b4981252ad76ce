class TransientSendError(Exception):
    """The provider could not take the batch now (429, 5xx, timeout); try again later."""

    def __init__(self, message: str, *, retry_after: float | None = None, partial=None):
        super().__init__(message)
        self.retry_after = retry_after
        # Deliveries that did go out before the failure (one-by-one transports).
        self.partial = partial


class SendPermissionDenied(PermissionError):
    """The user may not send to at least one of the chosen lists."""


class MailingStateError(ValueError):
    """The mailing is not in a state that allows this action."""


class AlertError(ValueError):
    """An alert cannot be created, sent or changed; the message is for the organizer."""

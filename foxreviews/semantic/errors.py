"""The one answer of a semantic feature that cannot work here: 503 with the reason."""

from foxreviews.core.exceptions import ApplicationError


class SemanticUnavailable(ApplicationError):
    status_code = 503

    def __init__(self, reason: str) -> None:
        super().__init__(reason, {"feature": "semantic"})

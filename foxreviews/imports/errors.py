"""How an import's failure reads: one line an operator can act on."""

from foxreviews.core.exceptions import ApplicationError


def one_line(exc: BaseException) -> str:
    """What went wrong, in one line an operator can read."""
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted (Ctrl-C); run the same command again to resume"
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else 'no message'}"[:500]

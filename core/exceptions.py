from django.utils.translation import gettext_lazy as _


class TransitionRefused(Exception):
    """A workflow step that is not allowed now (wrong state, rule refused it). Nothing was changed.

    `reasons` are dicts like the rules engine's: article, item, code, message.
    """

    status_code = 409

    def __init__(self, message, reasons=None, status_code: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.reasons = reasons or []
        if status_code:
            self.status_code = status_code

    def as_dict(self) -> dict:
        return {
            "detail": str(self.message),
            "reasons": [
                {k: (str(v) if v is not None and k == "message" else v) for k, v in r.items()} for r in self.reasons
            ],
        }


STALE_STATE = _("This record was changed by someone else in the meantime; reload and try again.")

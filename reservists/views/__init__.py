from .imports import ImportView, import_job, import_template  # noqa: F401
from .moves import MoveCreateView, MoveDecideView, MoveQueueView  # noqa: F401
from .records import PriorityGrantCreateView, ServiceRecordCreateView  # noqa: F401
from .registry import (  # noqa: F401
    ReservistCreateView,
    ReservistDetailView,
    ReservistExportView,
    ReservistListView,
    ReservistUpdateView,
)

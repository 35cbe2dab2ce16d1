from .importing import roster_import, roster_import_result, roster_template  # noqa: F401
from .readiness import ReadinessView  # noqa: F401
from .shelters import (  # noqa: F401
    ShelterCreateView,
    ShelterDetailView,
    ShelterListView,
    ShelterUpdateView,
    assign_view,
    decide_release_view,
    request_release_view,
    reservist_shelter_view,
)
from .teams import (  # noqa: F401
    MemberDetailView,
    MemberUpdateView,
    TeamCreateView,
    TeamDetailView,
    TeamTreeView,
    TeamUpdateView,
    certificate_add,
    member_add,
    position_add,
    position_delete,
)
from .training import (  # noqa: F401
    StationCreateView,
    StationListView,
    StationUpdateView,
    TrainingCalendarView,
    TrainingCreateView,
    TrainingDetailView,
)

from .allocation import RequirementCreateView, RequirementDetailView, RequirementListView, RequirementStepView  # noqa: F401
from .registry import KindListView, ResourceCreateView, ResourceDetailView, ResourceListView, ResourceUpdateView  # noqa: F401
from .requisitions import (  # noqa: F401
    ConflictAcceptView,
    NoticeDetailView,
    NoticeListView,
    NoticePdfView,
    NoticeStepView,
    RequisitionCreateView,
    RequisitionDetailView,
    RequisitionListView,
    RequisitionStepView,
)
from .survey import CycleCreateView, SurveyDetailView, SurveyImportView, SurveyListView, SurveyStepView, survey_template  # noqa: F401

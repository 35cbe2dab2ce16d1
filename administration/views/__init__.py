from .accounts import (  # noqa: F401
    AccountAccessView,
    AccountCreateView,
    AccountDetailView,
    AccountListView,
    ImportView,
    account_action,
    import_job,
    import_template,
)
from .grants import GrantListView, grant_decision  # noqa: F401
from .organisations import (  # noqa: F401
    OrganisationCreateView,
    OrganisationDetailView,
    OrganisationListView,
    OrganisationUpdateView,
    organisation_action,
)
from .review import ReviewView, password_set, review_export, review_sign_off  # noqa: F401

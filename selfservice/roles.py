"""Who sees what reservists did in self-service (scope decides where): the township office and the county
see the contact changes and the supporting documents of the people in their area; MND staff nationally."""

VIEW = ["selfservice.view_contactchange", "selfservice.view_document"]

PERMISSIONS = {
    "township_office": VIEW,
    "local_gov": VIEW,
    "mnd_staff": VIEW,
    "mnd_approver": VIEW,
}

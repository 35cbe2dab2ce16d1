"""Call-up notices (召集令): issuing at national scale, PDFs, verification, delivery, report day, postponements.

A sub-package of the mobilization app (its models are registered through mobilization.models):
choices, models, issuing (the Celery job), actions (delivery, acknowledgement, attendance, Art. 31),
delivery (channels and backends), pdf, public (verification without login), api and views.
"""

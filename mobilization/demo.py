"""Demo call-up: an educational call-up in 新北市, selected, submitted, approved by another person and issued,
so that `make run` shows an order with notices and their PDFs. It runs the real workflows (selection and
issuing included) in this process, the way the worker would. Idempotent: keyed on the order's title."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import Region

from . import services
from .choices import MobilizationType, OrderStatus
from .models import CallUpOrder
from .services import issuing

TITLE = "115年第1梯次教育召集（新北市）"


def seed(command, opts) -> None:
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    approver = User.objects.filter(username="approver").first()
    if staff is None or approver is None or CallUpOrder.objects.filter(title=TITLE).exists():
        return
    report_date = timezone.localdate() + datetime.timedelta(days=45)
    order = CallUpOrder.objects.create(
        mobilization_type=MobilizationType.EDUCATIONAL,
        title=TITLE,
        legal_basis="後備軍人召集服役實施辦法",
        report_date=report_date,
        days=5,
        quota=12,
        created_by=staff,
    )
    order.target_regions.set(Region.objects.filter(code="TW-NWT"))
    # The selection and issuing tasks run here, in this process, instead of on the worker.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        services.start_selection(user=staff, order=order)
        order.refresh_from_db()
        if order.status != OrderStatus.SELECTED:
            command.stdout.write(f"call-up demo: selection ended as {order.status}")
            return
        services.submit(user=staff, order=order, comment="請核定。")
        services.approve(user=approver, order=order, comment="同意。")
        with transaction.atomic():
            issuing.start(user=staff, order=order)
        order.refresh_from_db()
    finally:
        celery_app.conf.task_always_eager = eager
    command.stdout.write(f"call-up demo: order #{order.pk} {order.status} with {order.notices.count()} notices")

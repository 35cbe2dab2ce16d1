"""Self-service test helpers: a person with a notice, and signing in through the API with the delivered code."""

from __future__ import annotations

import re

from mobilization.models import DeliveryMessage
from mobilization.tests.test_notice_pages import add_notices, make_order

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def person_with_notice(order=None, township="220", **person):
    order = order or make_order()
    (notice,) = add_notices(order, township, 1)
    reservist = notice.reservist
    for key, value in {"phone": "0912345678", **person}.items():
        setattr(reservist, key, value)
    reservist.save()
    return reservist, notice


def last_code(recipient: str) -> str:
    message = DeliveryMessage.objects.filter(recipient=recipient).order_by("-id").first()
    assert message is not None, f"no message to {recipient}"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def sign_in(api, reservist) -> str:
    """Sign in through the API and return the bearer token (the client is also left with it)."""
    response = api.post(
        "/api/my/sign-in/",
        {"national_id": reservist.national_id, "birth_date": reservist.birth_date.isoformat()},
        format="json",
    )
    assert response.status_code == 202
    challenge = response.json()["challenge"]
    response = api.post(
        "/api/my/verify/",
        {"code": last_code(reservist.phone or reservist.email), "challenge": challenge},
        format="json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    api.cookies.clear()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return token

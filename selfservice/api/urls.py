"""Mounted at /api/selfservice/ for staff (nothing yet beyond the pages); the reservists' own API is /api/my/."""

urlpatterns: list = []

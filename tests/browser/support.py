"""Helpers for browser journeys."""


def login(page, live_server, username, password="test-Password-1234"):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")

app_name = "cip"
urlpatterns: list = []

app_name = "reservists"
urlpatterns: list = []

app_name = "mobilization"
urlpatterns: list = []

app_name = "civil_defense"
urlpatterns: list = []

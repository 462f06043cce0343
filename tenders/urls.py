app_name = "tenders"

urlpatterns = []

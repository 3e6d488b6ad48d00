from django.contrib import admin
from django.urls import include, path

from clinic import views

handler400 = views.bad_request
handler500 = views.server_error

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("aftercare/", views.aftercare, name="aftercare"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("faq/", include("faq.urls")),
    path("", include("screener.urls")),
    path("", include("bookings.urls")),
    path("diary/", include("diary.urls")),
    path("admin/", admin.site.urls),
]

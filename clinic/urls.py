from django.contrib import admin
from django.urls import include, path

from clinic import views

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
    path("admin/", admin.site.urls),
]

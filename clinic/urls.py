from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from clinic import views

handler400 = views.bad_request
handler500 = views.server_error

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"

# English only, at the same address whatever language the patient reads (clinic.languages).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("language/<str:language>/", views.choose_language, name="choose_language"),
    path("diary/", include("diary.urls")),
    path("admin/", admin.site.urls),
]

# Every patient page, in English at its usual address and in Spanish under /es/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("aftercare/", views.aftercare, name="aftercare"),
    path("privacy/", views.privacy, name="privacy"),
    path("faq/", include("faq.urls")),
    path("", include("screener.urls")),
    path("", include("bookings.urls")),
    prefix_default_language=False,
)

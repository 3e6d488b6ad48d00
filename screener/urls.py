from django.urls import path

from screener import views

app_name = "screener"

urlpatterns = [
    path("screener/", views.screener, name="start"),
    path("screener/result/", views.result, name="result"),
]

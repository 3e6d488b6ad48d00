from django.urls import re_path

from diary import feed

app_name = "diary"

urlpatterns = [
    # The secret is secrets.token_urlsafe(): letters, digits, "-" and "_".
    re_path(r"^feed/(?P<token>[A-Za-z0-9_-]{16,64})\.ics$", feed.practitioner_feed, name="feed"),
]

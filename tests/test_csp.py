"""The site's CSP header (django-csp's CSPMiddleware, as shipped)."""

from csp.constants import HEADER, NONCE, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory


def respond(view):
    request = RequestFactory().get("/")
    middleware = CSPMiddleware(view)
    return middleware(request)


def plain_view(request):
    return HttpResponse("ok")


def test_every_page_gets_the_strict_site_policy(client, db):
    # (db: every page shows the clinic's details, which live in the database.)
    policy = client.get("/privacy/")[HEADER]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in policy


def test_a_view_with_a_policy_of_its_own_still_gets_it_from_django_csp():
    @csp_update({"img-src": ["https://images.example"]})
    def view_with_own_policy(request):
        return HttpResponse("ok")

    assert "https://images.example" in respond(view_with_own_policy)[HEADER]
    assert "https://images.example" not in respond(plain_view)[HEADER]


def test_a_page_that_uses_a_nonce_gets_it_in_its_header(settings):
    """No page uses one today; should a policy allow nonces, django-csp adds them as usual."""
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}

    def view_with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    response = respond(view_with_nonce)
    assert f"'nonce-{response.content.decode().split(chr(39))[1]}'" in response[HEADER]

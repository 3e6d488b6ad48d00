"""The site's two languages: English at the usual addresses, Spanish at the same ones under /es/.

- The URL decides a page's language (i18n_patterns with prefix_default_language=False, in
  clinic/urls.py): /faq/ is always English and /es/faq/ always Spanish, whoever asks. So a page
  can be cached, linked and e-mailed in one language, and search engines see both.
- LanguageMiddleware makes the URL's language active before anything else runs (the page cache,
  the error pages), and for nothing after the response: a process serving English after Spanish
  never keeps the Spanish.
- The patient's choice is kept for the browser session in Django's language cookie: set when a
  Spanish page is read or a language is chosen with the switch link (choose_language), and read
  in one place only, the home page address "/", which sends a patient who chose Spanish to
  /es/. Every other address keeps its own language, and every link on a Spanish page leads to
  a Spanish page, so the choice holds while the patient moves around.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme

# Addresses outside i18n_patterns (clinic/urls.py): English only, no other-language version.
UNTRANSLATED_PREFIXES = ("/admin/", "/healthz", "/diary/", "/language/", "/static/", "/media/")


def path_language(path: str) -> str:
    """The language of a page from its path: the prefix's ("/es/faq/"), else English."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def path_in_language(path: str, language: str) -> str:
    """The same page's path in `language`: "/faq/" <-> "/es/faq/". The addresses are the same
    words in both languages, so only the prefix changes (a page that does not exist maps to
    the one that does not exist in the other language, as a 404 page needs)."""
    current = translation.get_language_from_path(path)
    if current and current != settings.LANGUAGE_CODE:
        path = path[len(current) + 1 :] or "/"
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def is_translated(path: str) -> bool:
    """Whether the page at `path` exists in every language (it is in i18n_patterns)."""
    return not path.startswith(UNTRANSLATED_PREFIXES)


def remember_language(response: HttpResponse, language: str) -> None:
    """Keep the patient's language in Django's language cookie (until the browser closes)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=cast(Literal["Lax", "Strict", "None"], settings.LANGUAGE_COOKIE_SAMESITE),
    )


class LanguageMiddleware:
    """Activate the URL's language for this request only, remember a Spanish reader, and send
    one who lands on "/" to "/es/".

    It sits before the page cache, so a cached page costs one more dictionary look-up and, for
    a Spanish page read without the cookie yet, one Set-Cookie header (added to the response
    after the cache, never stored with the page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if path == "/":
            response = self._front_door(request, chosen)
            patch_vary_headers(response, ("Cookie",))
            return response
        language = path_language(path)
        response = self._respond(request, language)
        if language != settings.LANGUAGE_CODE and chosen != language:
            remember_language(response, language)
        return response

    def _front_door(self, request: HttpRequest, chosen: str | None) -> HttpResponse:
        """The home page address, the one a returning patient types: in the language they chose."""
        if (
            chosen
            and chosen != settings.LANGUAGE_CODE
            and chosen in dict(settings.LANGUAGES)
            and request.method in ("GET", "HEAD")
        ):
            from clinic.views import with_security_headers  # the views import this module

            # As CommonMiddleware would: a Host not in ALLOWED_HOSTS is refused (400).
            request.get_host()
            query = request.META.get("QUERY_STRING", "")
            target = path_in_language("/", chosen) + (f"?{query}" if query else "")
            redirect = HttpResponseRedirect(target)
            add_never_cache_headers(redirect)
            # The middleware below, which this answer skips, would have added these.
            return with_security_headers(redirect)
        return self._respond(request, settings.LANGUAGE_CODE)

    def _respond(self, request: HttpRequest, language: str) -> HttpResponse:
        translation.activate(language)
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        # LocaleMiddleware says so too, but a request refused before it (a NUL byte) is not.
        response.headers.setdefault("Content-Language", language)
        return response


def safe_next(request: HttpRequest, url: str | None) -> str:
    """A path on this site to go to after choosing a language ("/" for anything else)."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return "/"


@dataclass(frozen=True)
class PageLanguage:
    code: str
    name: str  # in its own language (settings.LANGUAGES): "English", "Español"
    path: str  # this page in that language
    url: str  # the same, absolute (SITE_URL), for <link rel="alternate" hreflang>
    switch_url: str  # the visible link: choose this language, then this page in it


def page_languages(path: str, query: str = "") -> list[PageLanguage]:
    """This page in every language, for its hreflang links and the language switch; [] for a
    page that exists in English only (the admin)."""
    if not is_translated(path):
        return []
    suffix = f"?{query}" if query else ""
    languages = []
    for code, name in settings.LANGUAGES:
        other = path_in_language(path, code)
        languages.append(
            PageLanguage(
                code=code,
                name=name,
                path=escape_uri_path(other) + suffix,
                url=settings.SITE_URL + escape_uri_path(other) + suffix,
                switch_url=f"/language/{code}/?next={quote(path + suffix, safe='/')}",
            )
        )
    return languages

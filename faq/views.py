"""The public FAQ: every published question with its answer, a search, one question."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from clinic.page_cache import public_page
from faq import search
from faq.models import Category, Question


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    # A search has a query string, so the page cache never stores or serves it.
    query = search.clean_query(request.GET.get("q", ""))
    if not query:
        return render(request, "faq/index.html", _full_listing())

    concepts, hits = search.search(query)
    if not concepts:
        # Only stop words or punctuation ("how?"): nothing to look for, so show everything.
        context = _full_listing()
        context.update(query=query, no_words=True)
        return render(request, "faq/index.html", context)
    if not hits and request.method == "GET":
        search.record_miss(concepts)
    return render(
        request, "faq/index.html", {"query": query, "hits": hits, "result_count": len(hits)}
    )


def _full_listing() -> dict:
    return {"categories": list(Category.objects.with_published_questions()), "full": True}


@require_safe
@public_page
def question(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Question.objects.select_related("category"), slug=slug)
    context = {
        "question": item,
        "preview": not item.is_public,
        "related": Question.objects.published()
        .filter(category=item.category)
        .exclude(pk=item.pk)
        .for_listing(),
    }
    if item.is_public:
        return render(request, "faq/question.html", context)

    # Only now is the user looked at (which reads the session): public pages stay cacheable.
    if not _may_preview(request):
        raise Http404("No such question.")
    response = render(request, "faq/question.html", context)
    # A preview is for this member of staff only: never stored by the page cache or a browser.
    add_never_cache_headers(response)
    return response


def _may_preview(request: HttpRequest) -> bool:
    user = request.user
    # As in the admin: staff who have passed their second factor (django-otp's is_verified).
    verified = getattr(user, "is_verified", lambda: False)()
    return user.is_active and user.is_staff and verified and user.has_perm("faq.view_question")

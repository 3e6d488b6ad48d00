"""The gate before the booking form: a screening in this session that allows a booking."""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from screener import session as screening_session
from screener.eligibility import Result
from screener.models import Screening


class ScreenedRequest(HttpRequest):
    """For type checking only: the request a screening_required view gets (the same object,
    with the two attributes the decorator adds)."""

    screening: screening_session.StoredScreening
    screening_result: Result


def screening_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the view run only for a usable screening that may book; it gets request.screening
    and request.screening_result. Anyone else goes back, told why, and nothing is saved."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        stored = screening_session.load_screening(request.session)
        if stored is None:
            return _no_screening(request)
        if not Screening.objects.filter(pk=stored.screening_id).exists():
            messages.warning(
                request,
                gettext(
                    "We could not find your screening. Please answer the questions again before "
                    "requesting a booking."
                ),
            )
            return redirect("screener:start")
        result = stored.result(timezone.localdate())
        if not result.may_book:
            messages.warning(
                request,
                gettext(
                    "Your screening result does not allow a booking request online yet. Your "
                    "result below says what to do instead."
                ),
            )
            return redirect("screener:result")
        screened = cast(ScreenedRequest, request)
        screened.screening = stored
        screened.screening_result = result
        return view(screened, *args, **kwargs)

    return wrapper


def _no_screening(request: HttpRequest) -> HttpResponse:
    session = request.session
    reference = screening_session.booked_reference(session)
    if reference is not None:
        messages.info(
            request,
            gettext(
                "You have already sent a booking request with this screening (reference "
                "%(reference)s). To ask for another appointment, please answer the questions "
                "again."
            )
            % {"reference": reference},
        )
    elif screening_session.SESSION_KEY in session:
        messages.warning(
            request,
            gettext(
                "Your screening answers have expired (they are kept for 24 hours) or could not "
                "be read. Please answer the questions again before requesting a booking."
            ),
        )
    else:
        messages.info(
            request,
            gettext(
                "Please answer a few health questions first: they tell you whether you can book."
            ),
        )
    return redirect("screener:start")

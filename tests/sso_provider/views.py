"""The provider's own pages: the sign-in form, a page saying who is signed in, and the control
API the tests use to define users (POST /_control/users, with the control token)."""

import hmac
import json

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tests.sso_provider import seed


class SignInView(LoginView):
    template_name = "sso_provider/login.html"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "sso_provider/home.html")


def _control_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "CONTROL_TOKEN", "")
    given = request.headers.get("X-Control-Token", "")
    return bool(token) and hmac.compare_digest(token, given)


@csrf_exempt
@require_POST
def control_users(request: HttpRequest) -> HttpResponse:
    if not _control_allowed(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    payload = json.loads(request.body)
    users = payload if isinstance(payload, list) else [payload]
    try:
        people = seed.save_users(users)
    except (KeyError, ValueError) as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"users": [person.user.get_username() for person in people]})


@csrf_exempt
@require_POST
def control_client(request: HttpRequest) -> HttpResponse:
    if not _control_allowed(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    application = seed.save_client(json.loads(request.body))
    return JsonResponse({"client_id": application.client_id})

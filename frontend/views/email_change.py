"""The page behind the link mailed to the OLD address when a new e-mail address was given (the
student import): `/e-mailadres/bevestigen/<token>/`. GET only shows what will change (mail
scanners open links); the change happens on POST."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from backend.accounts.services.email_change import email_change_confirm, email_change_for_token
from backend.core.errors import ApplicationError


@require_http_methods(["GET", "POST"])
def email_change_confirm_page(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        if request.method == "POST":
            user = email_change_confirm(token=token, now=now)
            return render(
                request, "frontend/accounts/email_change_done.html", {"email": user.email}
            )
        change = email_change_for_token(token, now=now)
    except ApplicationError as error:
        return render(
            request,
            "frontend/accounts/email_change_invalid.html",
            {"message": error.message},
            status=error.status_code if error.status_code != 400 else 410,
        )
    return render(
        request,
        "frontend/accounts/email_change_confirm.html",
        {"old_email": change.old_email, "new_email": change.new_email},
    )

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from repairflow.core.paging import page_of
from repairflow.notifications.models import Notification
from repairflow.notifications.services import notifications_mark_read

PAGE_SIZE = 25


@login_required
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)
    page = page_of(notifications, request.GET.get("page"), PAGE_SIZE)
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_mark_read(request):
    notifications_mark_read(user=request.user)
    return redirect("inbox")


def unread_notifications(request) -> dict:
    """Context processor: the unread count shown in the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}

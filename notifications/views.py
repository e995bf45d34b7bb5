from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.scope import get_for_user_or_404
from portal.pagination import paginate

from .models import Notification
from .services import notification_mark_read


@login_required
@require_GET
def notification_list(request):
    page = paginate(request, Notification.objects.for_user(request.user))
    return render(
        request, "notifications/notification_list.html", {"page_obj": page, "notifications": page.object_list}
    )


@login_required
@require_POST
def notification_open(request, notification_pk):
    notification = get_for_user_or_404(Notification, request.user, pk=notification_pk)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect(notification.url or "notifications:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect("notifications:notification_list")

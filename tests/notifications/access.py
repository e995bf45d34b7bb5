def _alice_notification(cast):
    from notifications.models import Notification

    return Notification.objects.get_or_create(user=cast.alice, kind="test", title="洋口户主周一 有新预警")[0].pk


FOREIGN_KWARGS = {"notification_pk": _alice_notification}
LIST_URLS = {"notifications:notification_list"}
EXEMPT_URLS = {"notifications:notification_read_all": "marks only the requesting user's own notifications"}

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .roles import assign_role_group


@receiver(post_save, sender=User, dispatch_uid="accounts.user_role_group")
def keep_role_group(sender, instance: User, raw=False, **kwargs):
    """The role field decides the role group, whoever saved the user (admin, command, import)."""
    if not raw:
        assign_role_group(instance)

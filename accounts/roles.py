"""Roles as groups with permissions.

Each app lists what each role may do in its own ``permissions.py`` as ``ROLE_PERMISSIONS``
(role -> ["app_label.codename", ...]); :func:`sync_role_groups` gathers them after every
migration, so the groups always match the code. A user's role decides their one role group.
"""

from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from .models import User

GROUP_NAMES = {role: f"role:{role}" for role in User.Role.values}


def role_permissions() -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {role: set() for role in User.Role.values}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.permissions":
                raise
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[role].update(perms)
    return merged


def sync_role_groups(sender=None, **kwargs) -> None:
    """Create one group per role holding exactly the permissions the apps declare for it.

    post_migrate fires once per installed app, on every migrate and every test-database flush;
    the work is done once, after the last app, when every app's permissions exist.
    """
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is not None and sender is not last:
        return
    wanted = role_permissions()
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        group.permissions.set([by_name[p] for p in perms if p in by_name])


def assign_role_group(user: User) -> None:
    """Put the user in the group of their role, and in no other role group."""
    role_groups = Group.objects.filter(name__in=GROUP_NAMES.values())
    user.groups.remove(*role_groups.exclude(name=GROUP_NAMES.get(user.role)))
    if user.role:
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[user.role])
        user.groups.add(group)

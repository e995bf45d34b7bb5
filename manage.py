#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        # No secret key means a developer's machine, never a server (where it is required):
        # let `manage.py ...` work there as `make` does, in development mode.
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

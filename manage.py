#!/usr/bin/env python
"""Django's command-line utility; like the `foxreviews` command, it uses the embedded servers
when DATABASE_URL / REDIS_URL are unset, and stops those it had to start when it ends."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    from foxreviews.runtime.bootstrap import command_environment

    with command_environment():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""The ``homecoming`` console command: Django's management commands under one name.

``homecoming load-demo`` runs the ``load_demo`` management command: hyphens in the
command name are the users' spelling, underscores Django's.
"""

from __future__ import annotations

import getpass
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecoming.settings")
    from django.core.management import execute_from_command_line

    from homecoming.core.audit import REASON_LENGTH, change_reason

    args = list(sys.argv if argv is None else argv)
    args[0] = "homecoming"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    # A command's changes have no signed-in user: the audit trail names the command and who
    # ran it on the machine (an import names its file instead).
    who = f" (by {getpass.getuser()})"
    with change_reason(" ".join(args)[: REASON_LENGTH - len(who)] + who):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()

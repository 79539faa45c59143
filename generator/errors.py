"""The error hierarchy. Every message a user sees is Chinese and says what to do next.

The library raises these and never prints them: the command line (generator/cli.py) and the
web workbench (generator/web/) each catch `ReportError` and show its message their own way.
"""

from __future__ import annotations


class ReportError(Exception):
    """Base of all expected failures; the CLI prints the message and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def __str__(self) -> str:
        return self.message     # the message may be extended after raising (build.py adds to it)

    def format_message(self) -> str:
        return self.message


class ConfigError(ReportError):
    """The report definition (report.yaml) is invalid."""


class DataError(ReportError):
    """The indicator catalog, regions or values cannot be used."""


class TemplateError(ReportError):
    """A narrative template is broken or uses something that does not exist."""


class LayoutError(ReportError):
    """The Word document cannot be assembled."""


class OutputError(ReportError):
    """A file cannot be written, or writing it would destroy someone's edits."""

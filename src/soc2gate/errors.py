"""Errors that stop a run; the CLI's single handler turns them into exit codes."""

from __future__ import annotations


class Soc2gateError(Exception):
    """Base class: a message meant for the user, no traceback."""

    exit_code = 3


class UsageError(Soc2gateError):
    """Wrong arguments or options."""

    exit_code = 2


class ConfigError(Soc2gateError):
    """Invalid configuration; the message names the file and key path."""

    exit_code = 2


class PolicyLoadError(Soc2gateError):
    """A policy could not be loaded; the message names the policy file."""

    exit_code = 2


class InputError(Soc2gateError):
    """An input cannot be used at all (for example an unsupported change event)."""

    exit_code = 2


class BrokenEnvironment(Soc2gateError):
    """A dependency in soc2gate's environment is broken (for example hcl2 overwritten by checkov)."""

    exit_code = 3

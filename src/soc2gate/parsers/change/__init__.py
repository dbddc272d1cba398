"""Change-record parsers (CC8.1): GitHub and GitLab webhook bodies and generic records -> one validated record.

``records`` detects and dispatches, ``github``/``gitlab`` normalize platform payloads, ``schema``
validates the generic record, ``timestamps`` and ``logins`` put times and account names in one form.
"""

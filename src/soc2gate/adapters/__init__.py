"""Adapters: other tools as sources of findings (not engines); the API scopes and judges what they return."""

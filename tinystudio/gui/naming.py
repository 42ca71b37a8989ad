"""Stable names for the controls a person uses.

Every key control gets an ``objectName`` (what tests, scripts and the screenshot tool find it
by: it never changes with the wording or the language) and an *accessible name* (what a screen
reader says; plain words, like the visible label).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def named(widget: QWidget, object_name: str, accessible_name: str, description: str = "") -> QWidget:
    """Give ``widget`` its stable object name and its accessible name (and description)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    if description:
        widget.setAccessibleDescription(description)
    return widget

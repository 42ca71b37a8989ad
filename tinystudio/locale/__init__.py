"""Translations of the interface: one gettext ``.po`` file per language (see README.md)."""

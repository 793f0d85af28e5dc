"""Blacklist's entries in the navigation menu (built by its helper)."""


def register():
    pass

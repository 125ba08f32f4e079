"""The moderators' face: Django's admin with our site (site.py), every app's registrations
(accounts.py, packages.py, releases.py, imported by registry.apps.RegistryAdminConfig), the one
action wrapper (actions.py) and the moderation queue (queue.py)."""

"""A local stand-in for the national single sign-on (VNeID / Cổng DVCQG SSO): a real
OpenID Connect provider, django-oauth-toolkit's, in a tiny Django project of its own
(its own settings and SQLite file, nothing shared with egov). See ``server.py``."""

"""REST API of the dossiers app (mounted under /api/v1/, see docs/dossiers-api.md):
``views`` (list, queues, detail, reception, online submission), ``actions`` (one
endpoint per lifecycle transition), ``public`` (the citizen look-up by code)."""

"""Pages of the citizen portal: the home page, the online application
(``apply``), "my dossiers" and one dossier (``mine``)."""

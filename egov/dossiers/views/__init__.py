"""Web pages of the dossiers app: the officer workspace ("một cửa") under /mot-cua/."""

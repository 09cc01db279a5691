"""Files out of the domain: exports (CSV, Markdown, PDF), backups (sealed or not), raw files."""

"""Files become rows: tables, spreadsheets, JSON, documents, behaviour data; the column mapping
guess, survey scores, personal-data scrubbing. No database: the import loop in insights/ stores."""

"""The search engine: lexical (BM25), dense and hybrid indexes, large-collection candidates,
fusion of words and meaning, theme clustering. In memory; no database, no services."""

"""Language: text handling, Finnish morphology, person names, embedders, rules per language pair.

Builds only on the vocabulary; the search engine, readers and the domain build on it.
"""

"""The vocabulary every room speaks: pydantic models, errors, settings (imports nothing of ours)."""

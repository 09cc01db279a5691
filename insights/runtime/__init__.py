"""What keeps a knowledge base running in a process: opening it, the in-memory index kept in step
with the database (and with other processes), background linking, thread limits."""

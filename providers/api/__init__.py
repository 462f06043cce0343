"""The providers part of the API: the user's own organisation and its staff roster."""

"""Forms of the grant pages. Forms that change something carry the state or version the user
saw, so a form left open while someone else changed the object is refused as stale."""

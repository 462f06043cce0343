"""The portal's REST API: authentication by session or personal token, errors, throttling."""

"""Sub-commands of `mkt`: one module each, each with a ``register(app)`` function."""

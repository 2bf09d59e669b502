"""The web service: FastAPI app, routes, settings, dependencies and the chat widget."""

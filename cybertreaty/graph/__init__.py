"""The graph layer: building the graph from data/, validating it, and reaching the store.

Nothing here imports the service layer or FastAPI.
"""

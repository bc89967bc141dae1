"""civic311's routing engine: plain Python, no Django imports.

The backend calls it through its `routing_adapter` app; it can also be run on its own.
"""

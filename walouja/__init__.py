"""Walouja: geospatial planning and accessibility mapping for disability services in Morocco."""

__version__ = "0.1.0"

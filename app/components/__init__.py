"""Reusable Streamlit pieces shared by every page."""

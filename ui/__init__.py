"""Shared Streamlit pieces used by the entry file and the pages."""

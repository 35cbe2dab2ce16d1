"""Workflows of the civil-defense app: plain functions with keyword arguments (STYLE.md)."""

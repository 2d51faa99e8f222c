"""Widgets of the main window and its views; each module holds one widget and what it needs."""

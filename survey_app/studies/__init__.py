"""The studies area."""

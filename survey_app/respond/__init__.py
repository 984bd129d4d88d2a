"""The respond area."""

"""The design area."""

"""Who may do what: the permission matrix, its enforcement, sessions, headers."""

"""Pages anyone may see: home, health check, language switch."""

"""neurips25."""

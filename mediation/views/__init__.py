"""The staff pages. Views stay thin: they read through selectors and write through services."""

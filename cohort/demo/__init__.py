"""A living demo: two cohorts with six months of history, built through the app's services."""

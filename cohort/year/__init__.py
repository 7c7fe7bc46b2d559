"""Seasons (a closed stretch of a cohort's sessions, kept as a read-only archive) and the
year in review (a member's twelve months on one page, printable and downloadable)."""

"""A member's own account as a whole: downloading everything they wrote, and deleting it."""

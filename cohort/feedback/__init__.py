"""Structured peer feedback on shared inventories, with rotating assignments."""

"""Keeping imported products true to CJ: stock and price syncs, the freshness planner."""

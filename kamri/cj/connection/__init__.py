"""The CJ account: connection, tokens, limits, health, the points budget, the go-live checklist."""

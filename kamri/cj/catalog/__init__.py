"""CJ's catalogue in KAMRI: search, details, import (one and in bulk), new variants, texts, rules."""

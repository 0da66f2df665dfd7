"""What the admin watches: dashboard figures, profit report and CSV, charts, the problems checks, the go-live checklist."""

"""CJ orders: pre-flight, placement, payment at CJ, status, tracking, freight, disputes."""

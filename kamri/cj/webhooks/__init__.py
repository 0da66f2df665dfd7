"""CJ's webhooks: subscription, the inbox, processing each topic."""

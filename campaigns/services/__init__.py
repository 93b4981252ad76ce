"""Write use-cases for campaigns, one module per concern (counters, petitions, ...)."""

"""Extract contracts, readers and the sample-extract generator for the CCHC landing zone."""

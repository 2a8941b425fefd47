"""Great Expectations suites over the warehouse, and the publish gate."""

"""The service layer: the SPARQL endpoint and the REST API over the graph layer's store."""

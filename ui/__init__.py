"""User interfaces: command line, web app, HTTP API."""

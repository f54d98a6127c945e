"""The search engines behind indexer/backend.py: Whoosh (the default) and OpenSearch."""

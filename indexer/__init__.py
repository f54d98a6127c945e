"""seedsearch indexer: clean scraped news pages, index them with Whoosh, search them."""

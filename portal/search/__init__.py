"""The site search: one module per kind of result, each reading through its app's own
selectors, so a search finds only what the user could open from the pages."""

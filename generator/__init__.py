"""topic-digest: turn scraped paper listings into a curated, searchable MkDocs site.

The package is grouped by pipeline stage (see pipeline.py, the recipe):
sources/ reads listings into records; enrich/ merges them into papers and
finds links, mentions, topics and related papers; site/ pages and renders
them; output/ writes the files; plugin/ runs it all inside MkDocs; curator/
holds the curator's tools (stats, phrase suggestions, `digest new`).
"""

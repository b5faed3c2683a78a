"""Names several modules share: generated pages and files, and the topic id of unsorted papers."""

from __future__ import annotations

# The page of papers no topic rule matched; no topic may take its id.
UNSORTED_ID = "unsorted"
# Generated pages beside the topic pages, relative to the output folder.
WITH_CODE_PAGE = "papers-with-code.md"
NEW_PAGE = "new.md"
CHART_FILE = "chart.svg"
FEED_FOLDER = "feeds"
ALL_FEED = f"{FEED_FOLDER}/all.xml"
PICKS_FEED = f"{FEED_FOLDER}/picks.xml"
# The digest's BibTeX file, at the root of the built site.
DIGEST_BIB = "digest.bib"
# The digest's data file, at the root of the built site.
PAPERS_JSON = "papers.json"
# Where the home page wants the generated overview.
OVERVIEW_MARKER = "<!-- digest:overview -->"
# The digest's own search index, relative to the built site.
SEARCH_FOLDER = "search/digest"

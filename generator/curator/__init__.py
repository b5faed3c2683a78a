"""The curator's tools: numbers about the digest (stats), phrases for the taxonomy (suggest), a new digest folder (scaffold)."""

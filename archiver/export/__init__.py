"""Evidence bundles: what a slice of the archive holds, packaged for a third party."""

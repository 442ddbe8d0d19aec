"""The data core: features, the raw-release reader, the sample, the export."""

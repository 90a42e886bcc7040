"""archiver: find, capture, hash and verify the social posts embedded in news articles."""

__version__ = "0.1.0"

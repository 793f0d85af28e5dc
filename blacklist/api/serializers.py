"""API serializers of blacklist."""

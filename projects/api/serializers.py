"""API serializers of projects."""

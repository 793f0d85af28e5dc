"""API serializers of reports."""
from rest_framework import serializers


class SummaryQuerySerializer(serializers.Serializer):
    region_code = serializers.RegexField(r"^(\d{2}|\d{4}|\d{6}|\d{9})$", required=False, allow_blank=True,
                                         help_text="Region code prefix (62 = the province, 6205 = a city, 620502 = a county). "
                                                   "Default: the caller's whole jurisdiction.")
    date_from = serializers.DateField(required=False, help_text="First day of the period (default 1 January of this year).")
    date_to = serializers.DateField(required=False, help_text="Last day of the period, inclusive (default today).")

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": ["The period ends before it starts."]})
        return data


class SummarySerializer(serializers.Serializer):
    region_code = serializers.CharField(help_text="The region prefix the figures cover ('' = the caller's jurisdiction).")
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    projects_monitored = serializers.IntegerField(help_text="Projects under monitoring that were under construction in the period.")
    projects_inspected = serializers.IntegerField(help_text="Distinct projects inspected in the period.")
    clues_received = serializers.IntegerField(help_text="Clues received in the period (merged duplicates count once).")
    clues_closed = serializers.IntegerField(help_text="Of those, the clues closed (办结).")
    closure_rate = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="clues_closed ÷ clues_received, percent.")
    workers_paid = serializers.IntegerField(help_text="Workers paid: recorded on those clues, plus payments in the period "
                                                      "on arrears cases not opened from a clue.")
    amount_recovered = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="Wages recovered, yuan (same sources).")
    violations_published = serializers.IntegerField(help_text="Major violations published (社会公布) in the period.")
    blacklisted = serializers.IntegerField(help_text="Subjects put on the credit-punishment list in the period.")

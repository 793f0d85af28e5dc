"""What each role may do: model permissions as patterns ("app.action_model", fnmatch-style).

Scope (which objects) is separate: see `RestrictedQuerySet.restrict`."""
from .choices import Role

ROLE_PERMISSIONS = {
    Role.INSPECTOR: [
        "*.view_*",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.add_journalentry",
        "core.change_notification",
        "core.view_pii",
        "projects.*",
        "complaints.*",
        "reports.add_report",
        "reports.change_report",
        "reports.add_dailysubmission",
        "reports.change_dailysubmission",
        "inspections.*",
        "blacklist.add_*",
        "blacklist.change_*",
    ],
    Role.OFFICE_STAFF: [
        "*.view_*",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.add_journalentry",
        "core.change_notification",
        "projects.*",
        "complaints.*",
        "reports.add_report",
        "reports.change_report",
        "reports.add_dailysubmission",
        "reports.change_dailysubmission",
    ],
    Role.OFFICE_HEAD: [
        "*.view_*",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.add_journalentry",
        "core.change_notification",
        "core.change_department",  # contact details; creating a department is the administrator's (API.md)
        "core.view_pii",
        "projects.*",
        "complaints.*",
        "reports.add_report",
        "reports.change_report",
        "reports.add_dailysubmission",
        "reports.change_dailysubmission",
        "inspections.*",
        "blacklist.*",
        "core.view_piiaccesslog",
    ],
    Role.BUREAU: [
        "core.view_region",
        "core.view_enterprise",
        "core.add_enterprise",
        "core.change_enterprise",
        "core.view_department",
        "core.view_job",
        "core.add_job",
        "core.view_notification",
        "core.change_notification",
        "projects.*",
        # Clues of its industries (transferred to it, or about its projects): read and reply.
        "complaints.view_clue",
        "complaints.change_clue",
        "complaints.view_clueevent",
        "complaints.view_arrearscase",
        "complaints.view_casepayment",
        "complaints.view_caseevent",
        "complaints.view_incident",
        # Inspections of its industry's projects and their orders: read only.
        "inspections.view_inspection",
        "inspections.view_inspectionphoto",
        "inspections.view_rectificationorder",
        "inspections.view_reinspection",
        "inspections.view_penaltydecision",
        "inspections.view_campaign",
        # Credit-punishment listings of its industries' cases: read only (IDs masked).
        "blacklist.view_listing",
        "blacklist.view_listingevent",
        "blacklist.view_objection",
        "blacklist.view_publicationentry",
    ],
    Role.ADMIN: ["*"],
}

# Never granted through a role pattern (only to superusers): reading the raw logs of who saw what.
NEVER_BY_PATTERN = {"core.delete_objectchange", "core.change_objectchange", "core.add_objectchange"}

# Granted only when a role lists them by name: "*.view_*" does not mean "see personal data".
# The log of unmasked views is the office head's (and the administrator's) to read, not every viewer's.
EXPLICIT_ONLY = {"core.view_pii", "core.view_piiaccesslog"}

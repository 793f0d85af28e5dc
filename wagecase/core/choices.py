"""Enumerations of the shared core. Values are stable and part of the API."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    TOWNSHIP = "township", _("Township / street")


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Labour inspector")
    OFFICE_STAFF = "office_staff", _("Office staff")
    OFFICE_HEAD = "office_head", _("Office head")
    BUREAU = "bureau", _("Bureau client")
    ADMIN = "admin", _("Administrator")


class SignCapacity(models.TextChoices):
    """Who signs reports sent up (双签字): the locality's and the department's responsible persons."""

    LOCALITY = "locality", _("Locality's responsible person")
    DEPARTMENT = "department", _("Department's responsible person")


class Industry(models.TextChoices):
    HOUSING = "housing", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water")
    POWER = "power", _("Power")
    ENERGY = "energy", _("Energy")
    OTHER = "other", _("Other")


class DepartmentKind(models.TextChoices):
    HRSS = "hrss", _("Human resources and social security / wage-arrears office")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    HOUSING = "housing", _("Housing and construction")
    TRANSPORT = "transport", _("Transport")
    WATER = "water", _("Water")
    POWER = "power", _("Power")
    ENERGY = "energy", _("Energy")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    FINANCE = "finance", _("Finance")
    STATE_ASSETS = "state_assets", _("State assets")
    PUBLIC_SECURITY = "public_security", _("Public security")
    COURT = "court", _("Court")
    LETTERS_VISITS = "letters_visits", _("Letters and visits")
    OTHER = "other", _("Other")


class EnterpriseRole(models.TextChoices):
    BUILDER = "builder", _("Construction unit")
    GENERAL_CONTRACTOR = "general_contractor", _("General contractor")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")
    LABOUR_SERVICE = "labour_service", _("Labour-service subcontractor")


class CreditRating(models.TextChoices):
    A = "A", _("A (law-abiding)")
    B = "B", _("B (basically law-abiding)")
    C = "C", _("C (serious violations)")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class ChangeSource(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Management command")
    IMPORT = "import", _("Import")
    SYSTEM = "system", _("System")


class JournalKind(models.TextChoices):
    INFO = "info", _("Note")
    SUCCESS = "success", _("Progress")
    WARNING = "warning", _("Attention")
    DANGER = "danger", _("Problem")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CalendarSource(models.TextChoices):
    LIBRARY = "library", _("Loaded from the chinese-calendar library")
    MANUAL = "manual", _("Entered by an administrator")

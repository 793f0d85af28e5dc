"""Wage-arrears clues from every channel: receipt, acceptance, classification, transfer, handling and closure."""

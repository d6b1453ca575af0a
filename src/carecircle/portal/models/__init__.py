"""Residents' side: their accounts and links to the people they act for, and the messages sent
to residents, families and staff: one file per aggregate; import them from here."""

"""The grants part of the API: agreements, reports and tranches."""

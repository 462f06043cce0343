"""A report as a spreadsheet: its template to fill in offline (``template``) and the upload
of a filled template into the report (``import_``), laid out as ``layout`` says."""

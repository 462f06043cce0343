"""Uploaded documents shared by providers, tenders and grants.

The pieces, in the order a request meets them:

* ``validation.validate_upload`` decides from the bytes (not the name) whether a file is an
  accepted document type, and refuses oversized, empty, executable or badly named files;
* ``fields.DocumentField`` runs that check in a form;
* ``storage.store`` saves a valid file under a server-generated name through the default
  storage and returns the metadata the caller keeps;
* ``models.StoredDocument`` is the abstract model each domain app subclasses for its documents;
* ``serving.file_response`` streams a stored file back as a download, after the caller has
  checked permission. Media files have no public URL.
"""

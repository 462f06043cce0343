"""Uploaded documents shared by providers, tenders and grants.

The pieces, in the order a request meets them:

* ``uploads.ClientNameUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) keeps the file name
  the client sent, which Django would otherwise rewrite or drop;
* ``validation.validate_upload`` decides from the content (not the name) whether a file is an
  accepted document type, checks its structure (PDF, office document, image), and refuses
  oversized, empty, executable, active or badly named files;
* ``fields.DocumentField`` runs that check in a form;
* ``storage.store`` saves a valid file under a server-generated name through the default
  storage and returns the metadata the caller keeps;
* ``models.StoredDocument`` is the abstract model each domain app subclasses for its documents;
* ``serving.file_response`` streams a stored file back as a download, after the caller has
  checked permission. Media files have no public URL;
* ``orphans`` finds stored files no row references (``manage.py storage_orphans``).
"""

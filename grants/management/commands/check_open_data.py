"""``manage.py check_open_data``: validate every package the open-data endpoints serve.

It lives in the grants app because it checks both standards: the OCDS packages of
``tenders.opendata`` and the 360Giving package of ``grants.opendata.giving``."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from grants.opendata.giving import validation as giving_validation
from grants.opendata.giving.grants import grant_package, published_agreements
from tenders.models import BulkFile
from tenders.opendata import packages
from tenders.opendata.bulk import bulk_url
from tenders.opendata.common import absolute
from tenders.opendata.validation import RECORD_PACKAGE, RELEASE_PACKAGE, errors


class Command(BaseCommand):
    help = (
        "Validate every release package page, the nightly bulk release package and every "
        "record package the portal serves against the OCDS 1.1.5 schemas, and the 360Giving "
        "package against the 360Giving 1.4 schemas, offline; exit non-zero on any error."
    )

    def handle(self, *args, **options):
        problems = []
        pages = packages.release_pages(packages.releases())
        release_count = 0
        for number in pages.page_range if pages.count else ():
            page = pages.page(number)
            uri = absolute(f"{reverse('opendata:releases')}?page={number}")
            package = packages.release_package(page.object_list, uri=uri)
            release_count += len(package["releases"])
            problems += [f"{uri} {problem}" for problem in errors(package, RELEASE_PACKAGE)]
        bulk_count = 0
        bulk = BulkFile.objects.filter(format=BulkFile.Format.JSON).first()
        if bulk is not None:
            with bulk.file.open("rb") as content:
                package = json.load(content)
            bulk_count = len(package.get("releases") or [])
            uri = absolute(bulk_url(BulkFile.Format.JSON))
            problems += [f"{uri} {problem}" for problem in errors(package, RELEASE_PACKAGE)]
        record_count = 0
        for ocid in packages.ocids():
            uri = absolute(reverse("opendata:record", args=[ocid]))
            package = packages.record_package(ocid, packages.process_releases(ocid), uri=uri)
            record_count += 1
            problems += [f"{uri} {problem}" for problem in errors(package, RECORD_PACKAGE)]
        giving = grant_package(published_agreements())
        # The standard wants at least one grant in a package: an empty one has nothing to check.
        if giving["grants"]:
            uri = absolute(reverse("giving:package"))
            problems += [f"{uri} {problem}" for problem in giving_validation.errors(giving)]
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(
            f"Release packages: {pages.num_pages if pages.count else 0} "
            f"({release_count} releases); bulk release package: {bulk_count} releases; "
            f"record packages: {record_count}; "
            f"360Giving grants: {len(giving['grants'])}; "
            f"errors: {len(problems)}"
        )
        if problems:
            raise CommandError(f"{len(problems)} errors in the open data.")

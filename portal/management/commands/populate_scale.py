"""Build a national programme at scale, for measuring the portal (``bench/``)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.scale import Plan
from portal.scale.grants import build_grants
from portal.scale.people import build_people
from portal.scale.providers import build_providers
from portal.scale.tenders import build_tenders
from providers.models import Provider
from workflows import outbox


class Command(BaseCommand):
    help = (
        "Build a national programme of providers, tenders, bids, evaluations, grant agreements "
        "and reports; --factor 1 is national size (about 500 providers, 2,000 tenders, 20,000 "
        "bids, 2,000 agreements, 50,000 reports). Needs the development requirements and an "
        "empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=float, default=0.1, help="1 is national size.")

    def handle(self, *args, factor, **options):
        if factor <= 0 or factor > 5:
            raise CommandError("The factor must be above 0 and at most 5.")
        if Provider.objects.filter(registration_number__startswith="SCALE-").exists():
            raise CommandError("This database already holds a scale programme.")
        plan = Plan.at(factor)
        self.started = time.monotonic()
        self.stdout.write(f"Building at factor {factor}: {plan}")
        with outbox.left_for_relay():
            with transaction.atomic():
                people = build_people(factor)
                providers = build_providers(plan, self.progress)
            winners = build_tenders(plan, people, providers, self.progress)
            build_grants(plan, winners, people, self.progress)
        self.stdout.write(f"Done in {time.monotonic() - self.started:.0f} s.")

    def progress(self, what, done, total):
        if done == total or done % max(1, total // 10) == 0:
            elapsed = time.monotonic() - self.started
            self.stdout.write(f"  {what}: {done}/{total} ({elapsed:.0f} s)")
            self.stdout.flush()

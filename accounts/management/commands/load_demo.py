"""Load the demo agencies, units and people (fixtures/demo/people.yaml).

Idempotent: a second run finds everything in place and changes nothing. Refused in
production mode, where people are real and are managed in the admin.
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_data, load_demo
from accounts.models import User


class Command(BaseCommand):
    help = "Muat instansi, unit dan orang untuk demo (ditolak pada mode produksi)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Jangan cetak daftar login demo.")

    def handle(self, *args, quiet_logins=False, **options):
        if settings.PRODUCTION:
            raise CommandError("Data demo tidak boleh dimuat pada mode produksi (APP_ENV=production).")
        created = load_demo()
        self.stdout.write(
            f"Data demo: {created['agencies']} instansi, {created['units']} unit, {created['people']} orang baru."
        )
        if quiet_logins:
            return
        data = demo_data()
        self.stdout.write(f"\nLogin demo (kata sandi semua akun: {data['password']}):")
        self.stdout.write(f"  {data['administrator']['username']:<24} administrator aplikasi (admin Django: /admin/)")
        for user in User.objects.filter(username__in=[p["username"] for p in data["people"]]).prefetch_related(
            "role_assignments__unit"
        ):
            roles = "; ".join(str(a) for a in user.role_assignments.all())
            self.stdout.write(f"  {user.username:<24} {user.full_name} — {roles}")

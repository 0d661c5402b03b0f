"""Print the current TOTP code of a demo administrator, so that a person can log in
to the demo without an authenticator app."""

from django.core.management.base import BaseCommand, CommandError

from egov.directory.demo import demo_otp


class Command(BaseCommand):
    help = "In mã OTP hiện tại của tài khoản quản trị mẫu (current TOTP code of a demo admin)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        try:
            code, remaining = demo_otp(options["username"])
        except LookupError:
            raise CommandError(
                f"'{options['username']}' không có thiết bị OTP mẫu (chạy load_demo?). / "
                f"'{options['username']}' has no demo TOTP device (run load_demo?)."
            )
        self.stdout.write(code)
        self.stderr.write(
            f"còn hiệu lực {remaining} giây; mỗi mã chỉ dùng được một lần. / "
            f"valid for {remaining} more seconds; each code works once."
        )

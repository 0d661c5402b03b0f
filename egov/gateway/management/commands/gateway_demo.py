"""Register the demo members of the data-sharing gateway (idempotent)."""

from django.core.management.base import BaseCommand

from egov.gateway import demo


class Command(BaseCommand):
    help = "Register the gateway's demo client, provider service and access right."

    def handle(self, *args, **options):
        client, service, secret = demo.load()
        self.stdout.write(f"Gateway: {client.identifier} may call {service.identifier}")
        if secret:
            self.stdout.write(
                "  client secret (shown once, only its hash is kept):\n"
                f"  {secret}\n"
                f"  try: curl -s -u '{client.identifier}:{secret}' "
                "-d grant_type=client_credentials http://127.0.0.1:8000/gateway/token\n"
                "  then: curl -s -H 'Authorization: Bearer <access_token>' "
                f"-H 'X-Road-Client: {client.identifier}' "
                f"http://127.0.0.1:8000/gateway/r1/{service.identifier}/xin-chao"
            )
        else:
            self.stdout.write(
                "  the client already has a secret; issue another in the admin "
                "(Subsystems, action 'issue a new client secret')"
            )

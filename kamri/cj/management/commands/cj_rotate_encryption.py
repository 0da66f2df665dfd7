"""Re-encrypt the stored CJ secrets with the newest key of KAMRI_ENCRYPTION_KEYS (after adding a new key first)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from kamri.cj.models import CJAccount, CJCredential
from kamri.core import crypto

ENCRYPTED_FIELDS = {
    CJAccount: ("api_key_encrypted", "open_id_encrypted"),
    CJCredential: ("open_id_encrypted", "access_token_encrypted", "refresh_token_encrypted"),
}


class Command(BaseCommand):
    help = "Rechiffrer la clé API et les jetons CJ avec la clé de chiffrement la plus récente."

    @transaction.atomic
    def handle(self, *args, **options):
        count = 0
        for model, fields in ENCRYPTED_FIELDS.items():
            for row in model.objects.select_for_update():
                for field in fields:
                    setattr(row, field, crypto.rotate(getattr(row, field)))
                row.save(update_fields=list(fields))
                count += 1
        self.stdout.write(self.style.SUCCESS(f"{count} enregistrement(s) rechiffré(s) avec la nouvelle clé."))

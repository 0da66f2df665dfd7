"""POST /webhooks/cj/<secret>/: the public endpoint CJ calls. Verify, store, answer — nothing else."""

from __future__ import annotations

import logging

from csp.decorators import csp_exempt
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kamri.cj.webhooks import webhook_inbox

log = logging.getLogger(__name__)
ACK = {"code": 200, "result": "success", "message": "ok"}


@csrf_exempt  # CJ cannot send a CSRF token: the secret path and the HMAC signature authenticate it
@csp_exempt()  # a JSON answer to a server has no page to protect, and the header costs a fifth of the request
@require_POST
def receive(request, secret: str):
    conf = webhook_inbox.config()
    if not webhook_inbox.secret_matches(secret, conf.secret):
        raise Http404
    length = request.headers.get("Content-Length", "0")
    if not length.isdigit() or int(length) > webhook_inbox.MAX_BODY_BYTES:
        return JsonResponse({"code": 413, "result": "fail", "message": "body too large"}, status=413)
    body = request.body
    if len(body) > webhook_inbox.MAX_BODY_BYTES:
        return JsonResponse({"code": 413, "result": "fail", "message": "body too large"}, status=413)
    try:
        verdict = webhook_inbox.receive(body, request.headers.get("sign"), conf)
    except DatabaseError:  # overloaded database: CJ will retry a non-200, nothing is half-stored
        log.exception("webhook not stored: database unavailable")
        return JsonResponse({"code": 503, "result": "fail", "message": "busy, retry later"}, status=503)
    if verdict.status == 200:
        return JsonResponse(ACK)
    return JsonResponse(
        {"code": verdict.status, "result": "fail", "message": verdict.reason}, status=verdict.status
    )

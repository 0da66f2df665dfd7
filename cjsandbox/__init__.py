"""CJ sandbox: a stateful emulator of CJ Dropshipping Open API 2.0 for KAMRI's demo and tests.

    from cjsandbox import SandboxConfig, SandboxServer
    server = SandboxServer(SandboxConfig(seed=42, products=2000, port=0)).start()
    server.base_url   # http://127.0.0.1:<port>/api2.0/v1/
    server.stop()

This package imports nothing from ``kamri``.
"""

from .config import SandboxConfig, demo_api_key
from .server import SandboxServer
from .webhooks import sign as webhook_signature

__all__ = ["SandboxConfig", "SandboxServer", "demo_api_key", "webhook_signature"]

"""How the client reaches an endpoint: the environment's proxy, and the TLS certificates.

>>> env_proxy("http://localhost:8000/v1/chat/completions", {"http": "http://proxy:3128"})
'http://proxy:3128'
"""

from __future__ import annotations

import ssl
import urllib.parse
import urllib.request
from collections.abc import Mapping

import aiohttp

__all__ = ["env_proxy", "split_proxy_credentials", "tls_context"]


def env_proxy(url: str, proxies: Mapping[str, str] | None = None) -> str | None:
    """The proxy to reach ``url`` through, if any, as ``proxies`` name it.

    ``proxies`` defaults to the environment's ``HTTP_PROXY``, ``HTTPS_PROXY``,
    ``ALL_PROXY`` and ``NO_PROXY`` (by scheme: ``http``, ``https``, ``all``, ``no``).

    >>> proxies = {"https": "http://proxy:3128", "no": "localhost"}
    >>> env_proxy("https://api.example.com/v1/chat/completions", proxies)
    'http://proxy:3128'
    >>> env_proxy("https://localhost:8000/v1/chat/completions", proxies) is None
    True
    """
    if proxies is None:
        proxies = urllib.request.getproxies_environment()
    parts = urllib.parse.urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass_environment(parts.hostname, proxies):
        return None
    return proxies.get(parts.scheme) or proxies.get("all")


def split_proxy_credentials(proxy: str) -> tuple[str, aiohttp.BasicAuth | None]:
    """A proxy URL without its ``user:password@`` part, and that part as credentials.

    >>> split_proxy_credentials("http://me:s%40cret@proxy:3128")
    ('http://proxy:3128', BasicAuth(login='me', password='s@cret', encoding='latin1'))
    """
    parts = urllib.parse.urlsplit(proxy)
    if parts.username is None:
        return proxy, None
    plain = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    password = urllib.parse.unquote(parts.password or "")
    return plain, aiohttp.BasicAuth(urllib.parse.unquote(parts.username), password)


def tls_context() -> ssl.SSLContext:
    """Certificates from certifi's bundle where it is installed (as httpx and requests use),
    else the system store: hosted APIs then work on machines without a system CA bundle."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())

"""The official shapes the fake servers are checked against, so the fakes cannot drift.

* Bluesky: the models of the ``atproto`` SDK, generated from the lexicons
  (``app.bsky.graph.getFollowers``, ``app.bsky.graph.getFollows``,
  ``app.bsky.actor.getProfiles``), validated strictly (pydantic strict mode), plus
  the lexicon string formats the models leave unchecked (``did``, ``handle``).
* Mastodon: the Account entity's documented fields and types
  (https://docs.joinmastodon.org/entities/Account/ — every attribute not marked
  optional there), as a JSON Schema.
* X API v2: the User object (https://docs.x.com/x-api/fundamentals/data-dictionary#user)
  and the response envelope ``data`` / ``includes`` / ``meta`` / ``errors``
  (https://docs.x.com/x-api/fundamentals/response-codes-and-errors), as a JSON Schema.

``validate(platform, kind, body)`` returns ``None`` or the first problem.
"""

from __future__ import annotations

import re

import jsonschema

__all__ = ["validate", "MASTODON_ACCOUNT", "X_ENVELOPE"]

_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")  # lexicon format "did"
_HANDLE = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")

MASTODON_ACCOUNT = {
    "type": "object",
    "required": ["id", "username", "acct", "url", "display_name", "note", "avatar", "avatar_static",
                 "header", "header_static", "locked", "fields", "emojis", "bot", "group", "discoverable",
                 "created_at", "last_status_at", "statuses_count", "followers_count", "following_count"],
    "properties": {
        "id": {"type": "string", "pattern": r"^\d+$"},  # "cast from an integer, but not guaranteed to be a number"
        "username": {"type": "string"},
        "acct": {"type": "string"},
        "url": {"type": "string"},
        "display_name": {"type": "string"},
        "note": {"type": "string"},
        "avatar": {"type": "string"}, "avatar_static": {"type": "string"},
        "header": {"type": "string"}, "header_static": {"type": "string"},
        "locked": {"type": "boolean"}, "bot": {"type": "boolean"},
        "group": {"type": "boolean"}, "discoverable": {"type": ["boolean", "null"]},
        "fields": {"type": "array"}, "emojis": {"type": "array"},
        "created_at": {"type": "string"}, "last_status_at": {"type": ["string", "null"]},
        "statuses_count": {"type": "integer", "minimum": 0},
        "followers_count": {"type": "integer", "minimum": 0},
        "following_count": {"type": "integer", "minimum": 0},
    },
}

_X_USER = {
    "type": "object",
    "required": ["id", "name", "username"],
    "properties": {
        "id": {"type": "string", "pattern": r"^[0-9]{1,19}$"},
        "name": {"type": "string"},
        "username": {"type": "string", "pattern": r"^[A-Za-z0-9_]{1,15}$"},
        "description": {"type": "string"},
        "verified": {"type": "boolean"},
        "protected": {"type": "boolean"},
        "public_metrics": {
            "type": "object",
            "required": ["followers_count", "following_count", "tweet_count", "listed_count"],
            "properties": {k: {"type": "integer"} for k in
                           ("followers_count", "following_count", "tweet_count", "listed_count", "like_count")},
        },
    },
}

X_ENVELOPE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "data": {"oneOf": [_X_USER, {"type": "array", "items": _X_USER}]},
        "includes": {"type": "object"},
        "meta": {
            "type": "object",
            "required": ["result_count"],
            "properties": {"result_count": {"type": "integer"}, "next_token": {"type": "string"},
                           "previous_token": {"type": "string"}},
        },
        "errors": {"type": "array", "items": {"type": "object", "required": ["title", "type"],
                                              "properties": {"title": {"type": "string"}, "type": {"type": "string"},
                                                             "detail": {"type": "string"}}}},
    },
    "anyOf": [{"required": ["data"]}, {"required": ["errors"]}, {"required": ["meta"]}],
}


def _bluesky(kind: str, body) -> str | None:
    from atproto_client import models

    model = {
        "getFollowers": models.AppBskyGraphGetFollowers.Response,
        "getFollows": models.AppBskyGraphGetFollows.Response,
        "getProfiles": models.AppBskyActorGetProfiles.Response,
    }[kind]
    try:
        model.model_validate(body)
    except Exception as err:  # pydantic.ValidationError
        return str(err).splitlines()[0] + ": " + " ".join(str(err).split())[:300]
    views = body.get("profiles") or body.get("followers") or body.get("follows") or []
    if "subject" in body:
        views = [body["subject"], *views]
    for view in views:
        if not _DID.match(view["did"]):
            return f"did {view['did']!r} is not a DID"
        if not _HANDLE.match(view["handle"]):
            return f"handle {view['handle']!r} is not a handle"
    return None


def validate(platform: str, kind: str, body) -> str | None:
    """The first way ``body`` departs from the platform's documented shape, or ``None``."""
    if platform == "bluesky":
        return _bluesky(kind, body)
    schema = {"Account": MASTODON_ACCOUNT, "Accounts": {"type": "array", "items": MASTODON_ACCOUNT},
              "Envelope": X_ENVELOPE}[kind]
    try:
        jsonschema.validate(body, schema)
    except jsonschema.ValidationError as err:
        return f"{err.message} at {list(err.absolute_path)}"
    return None

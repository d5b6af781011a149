"""A channel listed in credentials.yml whose secrets are not set: it answers 503 and says why.

So bot/credentials.yml can list Slack and Telegram for every machine while ``rasa run`` still
starts (and the REST, web and terminal channels work) where their secrets are not set.
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


def disabled_channel(channel: Text, reason: Text) -> InputChannel:
    """An input channel named ``channel`` that accepts nothing (503) and logs ``reason`` once."""

    class DisabledChannel(InputChannel):
        @classmethod
        def name(cls) -> Text:
            return channel

        def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
            logger.warning("%s channel disabled: %s", channel, reason)
            blueprint = Blueprint(f"{channel}_disabled", __name__)

            @blueprint.route("/", methods=["GET"])
            async def health(_: Request) -> HTTPResponse:
                return response.json({"status": "disabled", "reason": reason})

            @blueprint.route("/webhook", methods=["GET", "POST"])
            async def webhook(_: Request) -> HTTPResponse:
                return response.json({"status": "disabled", "reason": reason},
                                     status=HTTPStatus.SERVICE_UNAVAILABLE)

            return blueprint

    return DisabledChannel()

"""Slack: Rasa's connector (request signing, Events API, interactivity) with these changes.

- Secrets from the environment: ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` (a key of the same
  name in credentials.yml, ``slack_token`` / ``slack_signing_secret``, wins). The signing secret is
  mandatory: a token without it refuses to start; with neither the channel is disabled (503).
- A delivery is answered once. Slack retries an event (same ``event_id``) when the first answer was
  slow or failed, and may send one message twice (``message`` and ``app_mention`` for a mention
  in a channel). Rasa turns away only ``http_timeout`` retries; here every event id and every
  (channel, ts) seen is remembered, and a repeat gets 200 with ``X-Slack-No-Retry: 1`` without
  being processed again.
- Content types are compared by media type (``application/json; charset=utf-8`` is JSON too;
  Rasa reads a JSON body only when the header is exactly ``application/json``).
- Messages with a subtype (joins, edits, deletions, bot messages) are not answered.
- Interactive payloads it doesn't handle get 200 (Rasa answers 500, which Slack shows as an error).
- Replies: Block Kit from the action server (``bot/actions/channels/slack.py``) is posted as is;
  Concierge payloads meant for the web page are not posted to Slack; ``as_user`` (legacy, refused
  with new bot tokens) is only sent when ``as_user: true`` is configured; when Slack can't fetch
  an item image, the message is posted again without images.
- Input at the door (``rasa_addons.limits``): the conversation id built from the signed payload
  (user, channel, thread) must be a valid sender id, else the event is answered 200 and not
  processed; the text is cut to 2,000 characters and control characters become spaces.
- A turn that can't be completed (``rasa_addons.outage``: action server, store or lock store
  down) posts the domain's ``channel_trouble`` in the conversation. The webhook itself was already
  answered 200 (Rasa answers at once and runs the turn in the background, because Slack wants an
  answer within 3 seconds); an error status would only make Slack deliver the event again.
- ``api_url`` (``SLACK_API_URL``): Slack's Web API base URL, ``https://slack.com/api/`` by default
  (tests point it at a loopback stub).

Build it through ``from_credentials`` (as Rasa does): the constructor's defaults leave the retry
header names unset.
"""
from __future__ import annotations

import copy
import json
import logging
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput as RasaSlackInput
from rasa.shared.exceptions import InvalidConfigException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError

from rasa_addons.limits import clean_message, sender_problem
from rasa_addons.outage import agent_of, run_turn, trouble_text

from .disabled import disabled_channel
from .settings import flag, merged

logger = logging.getLogger(__name__)

ENV = {
    "slack_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_channel": "SLACK_CHANNEL",
    "api_url": "SLACK_API_URL",
}
#: message subtypes that are a person's message all the same
USER_SUBTYPES = {None, "thread_broadcast", "file_share"}
#: what chat.postMessage answers when it can't fetch an image of the blocks
IMAGE_ERRORS = {"invalid_blocks", "invalid_blocks_format", "downloading_image_failed"}
SEEN_LIMIT = 10000
SEEN_SECONDS = 3600


def media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _without_images(blocks: Iterable[Dict]) -> List[Dict]:
    kept = []
    for block in blocks:
        if block.get("type") == "image":
            continue
        block = dict(block)
        if isinstance(block.get("accessory"), dict) and block["accessory"].get("type") == "image":
            block.pop("accessory")
        kept.append(block)
    return kept


class SlackOutput(SlackBot):
    """Rasa's Slack output with a configurable API base URL and without the legacy ``as_user``."""

    def __init__(self, token: Text, slack_channel: Optional[Text] = None, thread_id: Optional[Text] = None,
                 proxy: Optional[Text] = None, api_url: Optional[Text] = None, as_user: bool = False) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_url:
            self.client.base_url = api_url if api_url.endswith("/") else api_url + "/"
        self.as_user = as_user

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        if not self.as_user:
            kwargs.pop("as_user", None)
        kwargs.pop("type", None)  # Rasa passes type="mrkdwn", which is no chat.postMessage argument
        try:
            await super()._post_message(channel=channel, **kwargs)
        except SlackApiError as error:
            blocks = kwargs.get("blocks")
            refused = error.response.get("error") in IMAGE_ERRORS
            if blocks and refused and _without_images(blocks) != list(blocks):
                logger.warning("Slack refused the message's images (%s); posting it without them",
                               error.response.get("error"))
                kwargs["blocks"] = _without_images(blocks)
                await super()._post_message(channel=channel, **kwargs)
            else:
                raise

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        if "type" in json_message:  # a Concierge payload (recommendations, handoff...): for the web and REST
            logger.debug("not posting a %s payload to Slack", json_message.get("type"))
            return
        await super().send_custom_json(recipient_id, copy.deepcopy(json_message), **kwargs)


class SlackInput(RasaSlackInput):
    """Rasa's Slack input with the changes listed in the module docstring."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings = merged(credentials, ENV)
        token, secret = settings.get("slack_token"), settings.get("slack_signing_secret")
        if not token and not secret:
            return disabled_channel(cls.name(), "set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to connect Slack")
        if not token:
            raise InvalidConfigException("Slack: SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is not.")
        if not secret:
            raise InvalidConfigException(
                "Slack: SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not; requests can't be verified "
                "without it (Slack app > Basic Information > Signing Secret).")
        channel = super().from_credentials(settings)
        assert isinstance(channel, SlackInput)
        channel.api_url = settings.get("api_url")
        channel.as_user = flag(settings.get("as_user", False))
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url: Optional[Text] = None
        self.as_user = False
        self._seen: "OrderedDict[str, float]" = OrderedDict()

    # -- one answer per delivery --------------------------------------------------------------
    def _forget_old(self) -> None:
        cutoff = time.monotonic() - SEEN_SECONDS
        while self._seen and (len(self._seen) > SEEN_LIMIT or next(iter(self._seen.values())) < cutoff):
            self._seen.popitem(last=False)

    @staticmethod
    def delivery_keys(request: Request) -> List[str]:
        """What identifies this delivery: the event id, the message's (channel, ts), the action."""
        keys: List[str] = []
        kind = media_type(request)
        try:
            if kind == "application/json":
                body = request.json or {}
                if body.get("event_id"):
                    keys.append(f"event:{body['event_id']}")
                event = body.get("event") or {}
                if event.get("channel") and event.get("ts"):
                    keys.append(f"message:{event['channel']}:{event['ts']}")
            elif kind == "application/x-www-form-urlencoded":
                payload = json.loads(request.form["payload"][0])
                action = (payload.get("actions") or [{}])[0]
                stamp = payload.get("trigger_id") or action.get("action_ts")
                if stamp:
                    keys.append(f"action:{stamp}")
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            pass
        return keys

    async def process_message(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                              text: Text, sender_id: Optional[Text], metadata: Optional[Dict]) -> Any:
        keys = self.delivery_keys(request)
        retry_num = request.headers.get(self.retry_num_header or "x-slack-retry-num")
        retry_reason = request.headers.get(self.retry_reason_header or "x-slack-retry-reason")
        self._forget_old()
        if any(key in self._seen for key in keys):
            logger.info("Slack delivered %s again (retry %s, %s): already answered, not processed again",
                        keys[0], retry_num, retry_reason)
            return response.text("", status=HTTPStatus.OK, headers={"X-Slack-No-Retry": "1"})
        problem = sender_problem(sender_id)
        if problem:
            logger.warning("Slack event with an unusable conversation id ignored (%s)", problem)
            return response.text("Nothing to answer.")
        for key in keys:
            self._seen[key] = time.monotonic()
        agent = agent_of(request.app)

        async def guarded(message: UserMessage) -> None:
            turn = await run_turn(on_new_message, message, agent)
            if turn.ok:
                return
            # Slack has had its 200 already (the turn runs after the answer, see the module docstring),
            # and a redelivered event would be answered once the outage is over, out of context:
            # the shopper is told in the conversation instead.
            try:
                await message.output_channel.send_text_message(message.sender_id, trouble_text(agent))
            except Exception:  # noqa: BLE001 - Slack itself may be what is down
                logger.exception("Slack: could not post the trouble message")

        return await super().process_message(request, guarded, clean_message(text if isinstance(text, str) else ""),
                                             sender_id, metadata)

    # -- requests ----------------------------------------------------------------------------
    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        kind = media_type(request)
        if kind == "application/json":
            body = request.json or {}
            event = body.get("event", {})
            users: List[str] = []
            if body.get("authed_users"):
                users = list(body["authed_users"])
            elif body.get("authorizations"):
                users.append(body["authorizations"][0].get("user_id"))
            return {"out_channel": event.get("channel"), "thread_id": event.get("thread_ts", event.get("ts")),
                    "users": users}
        if kind == "application/x-www-form-urlencoded":
            payload = json.loads(request.form["payload"][0])
            message = payload.get("message", {})
            users = [payload["user"]["id"]] if payload.get("user", {}).get("id") else []
            return {"out_channel": payload.get("channel", {}).get("id"),
                    "thread_id": message.get("thread_ts", message.get("ts")), "users": users}
        return {}

    @staticmethod
    def _is_user_message(slack_event: Dict[Text, Any]) -> bool:
        event = slack_event.get("event") or {}
        return bool(RasaSlackInput._is_user_message(slack_event) and event.get("subtype") in USER_SUBTYPES)

    def get_output_channel(self, channel: Optional[Text] = None, thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackOutput(self.slack_token, channel or self.slack_channel, thread_id, self.proxy,
                           api_url=self.api_url, as_user=self.as_user)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        slack_webhook = Blueprint("slack_webhook", __name__)

        @slack_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @slack_webhook.route("/webhook", methods=["GET", "POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                return response.text("Message is not properly signed with a valid X-Slack-Signature header",
                                     status=HTTPStatus.UNAUTHORIZED)
            try:
                return await self._handle(request, on_new_message)
            except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
                # a signed payload of a shape Slack does not send: a 400, never a 500 with a trace
                logger.warning("Slack payload of an unexpected shape refused (%s: %s)", type(error).__name__, error)
                return response.text("unexpected payload shape", status=HTTPStatus.BAD_REQUEST)

        return slack_webhook

    async def _handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        """One signed request: URL verification, an event, or an interactive payload."""
        kind = media_type(request)
        if kind == "application/json":
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own error type on bad JSON
                body = None
            if not isinstance(body, dict):
                return response.text("expected a JSON object", status=HTTPStatus.BAD_REQUEST)
            if body.get("type") == "url_verification" or "challenge" in body:
                return response.json({"challenge": body.get("challenge")})
            if not isinstance(body.get("event", {}), dict):
                return response.text("event must be an object", status=HTTPStatus.BAD_REQUEST)
            if not self._is_user_message(body):
                return response.text("Not a user message: nothing to answer.")
            metadata = self.get_metadata(request)
            if not self._is_supported_channel(body, metadata):
                logger.warning("Slack message on a channel the bot does not answer in: %s", metadata["out_channel"])
                return response.text("channel not supported.")
            event = body.get("event", {})
            sender_id = self._get_conversation_id(str(event.get("user") or ""), metadata.get("out_channel"),
                                                  metadata.get("thread_id"))
            text = event.get("text")
            text = self._sanitize_user_message(text, metadata["users"]) if isinstance(text, str) else ""
            return await self.process_message(request, on_new_message, text=text, sender_id=sender_id,
                                              metadata=metadata)
        if kind == "application/x-www-form-urlencoded":
            try:
                payload = json.loads(request.form["payload"][0])
            except (KeyError, IndexError, TypeError, ValueError):
                return response.text("expected a payload field", status=HTTPStatus.BAD_REQUEST)
            if isinstance(payload, dict) and self._is_interactive_message(payload):
                text = self._get_interactive_response(payload["actions"][0])
                if text is not None:
                    metadata = self.get_metadata(request)
                    sender_id = self._get_conversation_id(str(payload["user"]["id"]), metadata.get("out_channel"),
                                                          metadata.get("thread_id"))
                    return await self.process_message(request, on_new_message, text, sender_id, metadata)
            return response.text("Nothing to answer.")  # link buttons, views, shortcuts
        return response.text("Nothing to answer.")


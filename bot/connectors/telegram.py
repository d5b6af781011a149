"""Telegram: Rasa's connector with the three faults of Rasa 3.6.21 + aiogram 2.15 fixed.

1. ``RuntimeError: Event loop is closed`` on the first real update: Rasa sets the webhook inside
   ``asyncio.run`` when it builds the output channel, so the bot's aiohttp session belongs to a
   loop that is closed by the time updates arrive. Here the webhook is set by an
   ``after_server_start`` listener, in the server's own loop (and the session is closed when the
   server stops).
2. Button presses (callback queries) were never answered, so the button kept spinning: each is
   answered (``answerCallbackQuery``) before its text is handled.
3. Updates without a message (``my_chat_member`` when the bot joins a group, ``channel_post``,
   polls ...) raised and answered 500, which Telegram retries: they get 200 and no reply.

Input at the door (``rasa_addons.limits``): the chat id must be a valid sender id (it always is,
an integer, in a genuine update), the text is cut to 2,000 characters and control characters
become spaces. A turn that can't be completed (``rasa_addons.outage``: action server, store or
lock store down) sends the domain's ``channel_trouble`` to the chat, and the update is still
answered 200: Telegram redelivers an update answered with an error, holding back the chat's
later updates meanwhile, and would replay the message once the outage is over, out of context.

Settings (a credentials.yml key wins over the environment variable):
``access_token`` / ``TELEGRAM_BOT_TOKEN`` (from @BotFather), ``verify`` / ``TELEGRAM_BOT_USERNAME``
(the bot's username; updates for another bot are refused), ``webhook_url`` /
``TELEGRAM_WEBHOOK_URL`` (public HTTPS URL of ``/webhooks/telegram/webhook``), optional
``secret_token`` / ``TELEGRAM_WEBHOOK_SECRET`` (Telegram sends it back in
``X-Telegram-Bot-Api-Secret-Token``; other requests are refused) and ``api_url`` /
``TELEGRAM_API_URL`` (the Bot API server, ``https://api.telegram.org`` by default; tests use a
loopback stub). Without a token the channel is disabled (503).

Replies come from ``bot/actions/channels/telegram.py`` as custom JSON (text + inline keyboard,
photos, albums); a photo Telegram can't fetch is logged and skipped, so the text still arrives.
"""
from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import Update
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput, TelegramOutput as RasaTelegramOutput
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import USER_INTENT_RESTART
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.limits import clean_message, sender_problem
from rasa_addons.outage import agent_of, run_turn, trouble_text

from .disabled import disabled_channel
from .settings import merged

logger = logging.getLogger(__name__)

ENV = {
    "access_token": "TELEGRAM_BOT_TOKEN",
    "verify": "TELEGRAM_BOT_USERNAME",
    "webhook_url": "TELEGRAM_WEBHOOK_URL",
    "secret_token": "TELEGRAM_WEBHOOK_SECRET",
    "api_url": "TELEGRAM_API_URL",
}
#: the updates the bot asks Telegram for (others may still come from an older webhook: 200, ignored)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
MEDIA_KEYS = ("photo", "media")


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output against a configurable Bot API server."""

    def __init__(self, access_token: Optional[Text], api_url: Optional[Text] = None) -> None:
        super().__init__(access_token)
        if api_url:
            self.server = TelegramAPIServer.from_base(api_url)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        if "type" in json_message:  # a Concierge payload (recommendations, handoff...): for the web and REST
            logger.debug("not sending a %s payload to Telegram", json_message.get("type"))
            return
        if any(key in json_message for key in MEDIA_KEYS):
            try:
                await super().send_custom_json(recipient_id, json_message, **kwargs)
            except TelegramAPIError as error:  # an image Telegram could not fetch must not lose the text
                logger.warning("Telegram refused the item photos (%s); sending the text without them", error)
            return
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram input with the fixes listed in the module docstring."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        settings = merged(credentials, ENV)
        if not settings.get("access_token"):
            return disabled_channel(cls.name(), "set TELEGRAM_BOT_TOKEN (and TELEGRAM_BOT_USERNAME, "
                                                "TELEGRAM_WEBHOOK_URL) to connect Telegram")
        missing = [ENV[key] for key in ("verify", "webhook_url") if not settings.get(key)]
        if missing:
            raise RasaException(f"Telegram: TELEGRAM_BOT_TOKEN is set but {' and '.join(missing)} not.")
        return cls(settings["access_token"], settings["verify"], settings["webhook_url"],
                   api_url=settings.get("api_url"), secret_token=settings.get("secret_token"))

    def __init__(self, access_token: Optional[Text], verify: Optional[Text], webhook_url: Optional[Text],
                 debug_mode: bool = False, api_url: Optional[Text] = None,
                 secret_token: Optional[Text] = None) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.api_url = api_url
        self.secret_token = secret_token
        self._verified: Optional[bool] = None

    def get_output_channel(self) -> TelegramOutput:
        """The output channel, without touching the network (the webhook is set once the server runs)."""
        return TelegramOutput(self.access_token, self.api_url)

    async def set_webhook(self, out: TelegramOutput) -> bool:
        payload: Dict[str, Any] = {"url": self.webhook_url, "allowed_updates": json.dumps(ALLOWED_UPDATES)}
        if self.secret_token:
            payload["secret_token"] = self.secret_token
        return bool(await out.request("setWebhook", payload))

    async def is_our_bot(self, out: TelegramOutput) -> bool:
        """Whether the token's bot is the configured ``verify`` username (asked once, then cached)."""
        if self._verified is None:
            me = await out.get_me()
            self._verified = me.username == self.verify
            if not self._verified:
                logger.error("Telegram: the token belongs to @%s, not @%s (verify / TELEGRAM_BOT_USERNAME)",
                             me.username, self.verify)
        return self._verified

    @staticmethod
    def _text_of(update: Update) -> Optional[Dict[str, Any]]:
        """{"text", "chat_id", "callback_id"} of an update the bot answers, else None."""
        if update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat.id if query.message is not None else query.from_user.id
            return {"text": query.data or "", "chat_id": chat, "callback_id": query.id}
        message = update.message or update.edited_message
        if message is None:
            return None
        if message.text is not None:
            return {"text": message.text.replace("/bot", ""), "chat_id": message.chat.id}
        if message.location is not None:
            return {"text": '{{"lng":{0}, "lat":{1}}}'.format(message.location.longitude, message.location.latitude),
                    "chat_id": message.chat.id}
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram_webhook = Blueprint("telegram_webhook", __name__)
        out = self.get_output_channel()

        async def set_webhook_after_start(_app: Any, _loop: Any) -> None:
            try:
                if await self.set_webhook(out):
                    logger.info("Telegram webhook set to %s", self.webhook_url)
                else:
                    logger.error("Telegram did not accept the webhook %s", self.webhook_url)
            except Exception as error:  # noqa: BLE001 - the other channels keep working; POST set_webhook retries
                logger.error("Telegram webhook could not be set (%s); POST /webhooks/telegram/set_webhook "
                             "to try again", error)

        async def close_session(_app: Any, _loop: Any) -> None:
            await out.close()

        telegram_webhook.listener("after_server_start")(set_webhook_after_start)
        telegram_webhook.listener("after_server_stop")(close_session)

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/set_webhook", methods=["POST"])
        async def set_webhook(_: Request) -> HTTPResponse:
            try:
                ok = await self.set_webhook(out)
            except TelegramAPIError as error:
                return response.text(f"Webhook setup failed: {error}", status=HTTPStatus.BAD_GATEWAY)
            return response.text("Webhook setup successful" if ok else "Invalid webhook")

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if self.secret_token and not hmac.compare_digest(
                    request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), self.secret_token):
                return response.text("wrong secret token", status=HTTPStatus.FORBIDDEN)
            try:
                body = request.json
                if isinstance(body, str):
                    body = json.loads(body)
                update = Update(**body)
            except Exception:  # noqa: BLE001 - not an update
                return response.text("expected a Telegram update", status=HTTPStatus.BAD_REQUEST)
            try:
                if not await self.is_our_bot(out):
                    return response.text("failed")
            except TelegramAPIError as error:
                logger.error("Telegram getMe failed: %s", error)
                return response.text("failed", status=HTTPStatus.SERVICE_UNAVAILABLE)
            try:
                found = self._text_of(update)
            except (AttributeError, TypeError, ValueError) as error:  # e.g. a "text" that is not a string
                logger.warning("Telegram update of an unexpected shape refused (%s)", error)
                return response.text("expected a Telegram update", status=HTTPStatus.BAD_REQUEST)
            if found is None:
                logger.debug("Telegram update %s has nothing to answer", update.update_id)
                return response.text("success")
            if found.get("callback_id"):
                try:
                    await out.answer_callback_query(found["callback_id"])
                except TelegramAPIError as error:
                    logger.warning("Telegram answerCallbackQuery failed: %s", error)
            text, sender_id = clean_message(str(found["text"] or "")), str(found["chat_id"])
            problem = sender_problem(sender_id)
            if problem:
                logger.warning("Telegram update with an unusable chat id ignored (%s)", problem)
                return response.text("success")
            if not text.strip():
                return response.text("success")
            metadata = self.get_metadata(request)
            texts = [text, "/start"] if text == INTENT_MESSAGE_PREFIX + USER_INTENT_RESTART else [text]
            agent = agent_of(request.app)
            for each in texts:
                turn = await run_turn(on_new_message, UserMessage(each, out, sender_id, input_channel=self.name(),
                                                                  metadata=metadata), agent)
                if not turn.ok:
                    # answered 200 all the same (see the module docstring): the shopper is told in the chat
                    try:
                        await out.send_text_message(sender_id, trouble_text(agent))
                    except Exception:  # noqa: BLE001 - Telegram itself may be what is down
                        logger.exception("Telegram: could not send the trouble message")
                    break
            return response.text("success")

        return telegram_webhook

"""Rasa-side input channels of Concierge (imported by ``rasa run`` from bot/credentials.yml).

- ``connectors.web.WebChatInput``: the website chat: a socket.io channel whose blueprint also
  serves the chat page and its assets (``/webhooks/web/chat``).
- ``connectors.slack.SlackInput``: Rasa's Slack connector with de-duplicated retries, Block Kit
  replies and secrets from the environment.
- ``connectors.telegram.TelegramInput``: Rasa's Telegram connector with the webhook set after the
  server starts, answered button presses and 200 for updates it ignores.

What each channel shows is decided on the action server (``bot/actions/channels/``); these
connectors deliver what they are given.
"""
